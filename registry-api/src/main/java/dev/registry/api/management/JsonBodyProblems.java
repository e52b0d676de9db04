package dev.registry.api.management;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Why a JSON request body could not be read, in the words of the API: the field as a JSON path
 * ({@code rules[0].count}, null for the body as a whole) and a sentence saying what is expected.
 * Jackson's own messages name Java types and settings, so none of them is passed on.
 */
final class JsonBodyProblems {

    private static final Set<Class<?>> WHOLE_NUMBERS = Set.of(int.class, long.class, short.class, byte.class, Integer.class,
            Long.class, Short.class, Byte.class, BigInteger.class);
    private static final Set<Class<?>> NUMBERS = Set.of(float.class, double.class, Float.class, Double.class, BigDecimal.class,
            Number.class);

    private JsonBodyProblems() {
    }

    /** {@code field} is null when the problem is with the body as a whole. */
    record Problem(String field, String message) {
    }

    /** The problem of a body that is absent or that Jackson refused ({@code cause} null when there is no body). */
    static Problem describe(Throwable cause) {
        if (!(cause instanceof JacksonException json)) {
            return new Problem(null, "the request body is missing; it must be a JSON object");
        }
        String field = path(json);
        return switch (json) {
            case StreamConstraintsException e ->
                    new Problem(null, "the request body is nested too deeply or holds a number or string that is too long");
            case InputCoercionException e -> new Problem(orNull(field), name(field) + " is out of range for "
                    + expected(e.getTargetType()));
            case StreamReadException e -> new Problem(null, "the request body is not valid JSON" + at(e));
            case UnrecognizedPropertyException e -> new Problem(field, field + " is not a known property; known: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
            case InvalidTypeIdException e -> typeId(e, field);
            case MismatchedInputException e when field.isEmpty() -> new Problem(null, "the request body must be "
                    + expected(e.getTargetType()) + (e.getCurrentToken() == JsonToken.START_ARRAY ? ", not an array" : ""));
            case MismatchedInputException e when e.getOriginalMessage() != null
                    && e.getOriginalMessage().startsWith("Cannot map `null` into type") ->
                    new Problem(field, field + " is required: " + expected(e.getTargetType()));
            case MismatchedInputException e -> new Problem(field, field + " must be " + expected(e.getTargetType()));
            default -> new Problem(orNull(field), field.isEmpty() ? "the request body could not be read"
                    : field + " has a value that cannot be read");
        };
    }

    /** An unknown or missing type discriminator, such as a retention rule's {@code template}: lists the known ones. */
    private static Problem typeId(InvalidTypeIdException e, String field) {
        Class<?> base = e.getBaseType() == null ? null : e.getBaseType().getRawClass();
        JsonTypeInfo info = base == null ? null : base.getAnnotation(JsonTypeInfo.class);
        JsonSubTypes subtypes = base == null ? null : base.getAnnotation(JsonSubTypes.class);
        String property = (field.isEmpty() ? "" : field + ".") + (info == null || info.property().isEmpty() ? "type" : info.property());
        String known = subtypes == null ? "" : "; one of: " + Arrays.stream(subtypes.value()).map(JsonSubTypes.Type::name)
                .sorted().collect(Collectors.joining(", "));
        return e.getTypeId() == null || e.getTypeId().isEmpty()
                ? new Problem(property, property + " is required" + known)
                : new Problem(property, property + " '" + e.getTypeId() + "' is not known" + known);
    }

    /** What a value of this type looks like in JSON. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (WHOLE_NUMBERS.contains(type)) {
            return "a whole number";
        }
        if (NUMBERS.contains(type)) {
            return "a number";
        }
        if (type.isEnum()) {
            return "one of: " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name())
                    .collect(Collectors.joining(", "));
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 instant such as 2025-01-31T12:00:00Z";
        }
        if (type == Duration.class) {
            return "an ISO-8601 duration such as PT1H";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a JSON array";
        }
        return Map.class.isAssignableFrom(type) || !type.isPrimitive() ? "a JSON object" : "a value of another type";
    }

    /** The JSON path Jackson stopped at: {@code rules[0].selection.untagged}; empty for the body itself. */
    private static String path(JacksonException json) {
        return json.getPath().stream()
                .map(r -> r.getPropertyName() != null ? r.getPropertyName() : r.getIndex() >= 0 ? "[" + r.getIndex() + "]" : null)
                .filter(Objects::nonNull)
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("");
    }

    private static String at(StreamReadException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static String orNull(String field) {
        return field.isEmpty() ? null : field;
    }

    private static String name(String field) {
        return field.isEmpty() ? "a number" : field;
    }
}
