package dev.registry.api.management;

import jakarta.validation.Constraint;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.Validator;

/**
 * Checks the Jakarta Validation constraints that the {@code /api/v1} request bodies carry ({@code @Valid @RequestBody}
 * records): {@link NotBlank}, {@link Size}, {@link Min}, {@link PositiveOrZero}, {@link Email}, and {@link Valid} on a
 * component whose record is checked the same way, with the meanings and default messages the Jakarta Validation 3.1
 * API gives them. A violation becomes a field error of the body, which {@link ManagementErrors} answers with a 400
 * problem naming every field.
 *
 * <p>The annotations stay the one statement of each rule: the OpenAPI document is generated from them
 * ({@code OpenApiDocumentTest}). Hibernate Validator, the provider that checked them before, loaded about 500 classes
 * and a validator factory at every start for these five annotations (4 MiB of the peak resident memory:
 * docs/benchmarks.md, "no Bean Validation provider"). A constraint this class does not know, or one on a type
 * argument, fails the request loudly instead of being skipped; {@code BodyConstraintsTest} checks every request body
 * of the API against that.
 */
final class BodyConstraints implements Validator {

    private static final ClassValue<List<Rule>> RULES = new ClassValue<>() {
        @Override
        protected List<Rule> computeValue(Class<?> type) {
            return rulesOf(type);
        }
    };

    /** One check of one record component: the value's accessor, and either a constraint or a nested record. */
    private record Rule(String field, Method accessor, String code, Predicate<Object> valid, String message, boolean nested) {
    }

    @Override
    public boolean supports(Class<?> type) {
        return true;
    }

    @Override
    public void validate(Object target, Errors errors) {
        if (!(errors instanceof BindingResult result)) {
            throw new IllegalArgumentException("BodyConstraints reports into a BindingResult, not " + errors.getClass().getName());
        }
        validate(target, "", result);
    }

    private static void validate(Object target, String path, BindingResult result) {
        for (Rule rule : RULES.get(target.getClass())) {
            Object value = read(rule.accessor(), target);
            if (rule.nested()) {
                if (value != null) {
                    validate(value, path + rule.field() + ".", result);
                }
            } else if (!rule.valid().test(value)) {
                result.addError(new FieldError(result.getObjectName(), path + rule.field(), value, false,
                        new String[] {rule.code()}, null, rule.message()));
            }
        }
    }

    /** The rules of a type: none for a type without constraints; a record's, component by component. */
    static List<Rule> rulesOf(Class<?> type) {
        if (!type.isRecord()) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    refuseConstraints(field.getAnnotations(), c.getName() + "." + field.getName());
                }
            }
            return List.of();
        }
        List<Rule> rules = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            String field = component.getName();
            Method accessor = component.getAccessor();
            accessor.setAccessible(true);
            refuseTypeArgumentConstraints(component.getAnnotatedType(), type.getName() + "." + field);
            for (Annotation annotation : fieldOf(type, component).getAnnotations()) {
                Rule rule = switch (annotation) {
                    case NotBlank a -> new Rule(field, accessor, "NotBlank",
                            v -> v instanceof CharSequence s && !s.toString().isBlank(), message(a.message(), "must not be blank"), false);
                    case Size a -> new Rule(field, accessor, "Size", v -> v == null || within(sizeOf(v, type, field), a.min(), a.max()),
                            message(a.message(), "size must be between " + a.min() + " and " + a.max()), false);
                    case Min a -> new Rule(field, accessor, "Min", v -> v == null || atLeast(v, a.value(), type, field),
                            message(a.message(), "must be greater than or equal to " + a.value()), false);
                    case PositiveOrZero a -> new Rule(field, accessor, "PositiveOrZero", v -> v == null || atLeast(v, 0, type, field),
                            message(a.message(), "must be greater than or equal to 0"), false);
                    case Email a -> new Rule(field, accessor, "Email", v -> v == null || isEmailAddress(v.toString()),
                            message(a.message(), "must be a well-formed email address"), false);
                    case Valid a -> new Rule(field, accessor, "Valid", v -> true, "", true);
                    default -> {
                        refuseConstraints(new Annotation[] {annotation}, type.getName() + "." + field);
                        yield null;
                    }
                };
                if (rule != null) {
                    rules.add(rule);
                }
            }
        }
        return List.copyOf(rules);
    }

    /**
     * The component's field: Jakarta Validation's annotations do not target record components, so the compiler puts
     * them on the field, the accessor and the constructor's parameter (and on the type, as type annotations).
     */
    private static Field fieldOf(Class<?> type, RecordComponent component) {
        try {
            return type.getDeclaredField(component.getName());
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("record " + type.getName() + " has no field " + component.getName(), e);
        }
    }

    private static void refuseConstraints(Annotation[] annotations, String where) {
        for (Annotation annotation : annotations) {
            if (annotation.annotationType().isAnnotationPresent(Constraint.class)) {
                throw new IllegalStateException("BodyConstraints does not check @" + annotation.annotationType().getSimpleName()
                        + " (on " + where + "): check it in BodyConstraints or in the body's constructor");
            }
        }
    }

    private static void refuseTypeArgumentConstraints(AnnotatedType type, String where) {
        if (type instanceof AnnotatedParameterizedType parameterized) {
            for (AnnotatedType argument : parameterized.getAnnotatedActualTypeArguments()) {
                refuseConstraints(argument.getAnnotations(), where + " (a type argument)");
                if (argument.isAnnotationPresent(Valid.class)) {
                    throw new IllegalStateException("BodyConstraints does not check @Valid on a type argument (on " + where + ")");
                }
                refuseTypeArgumentConstraints(argument, where);
            }
        }
    }

    /** The annotation's own message when one was written, else the default message of Jakarta Validation. */
    private static String message(String given, String standard) {
        return given.startsWith("{jakarta.validation.constraints.") ? standard : given;
    }

    private static Object read(Method accessor, Object target) {
        try {
            return accessor.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + accessor, e);
        }
    }

    private static boolean within(int size, int min, int max) {
        return size >= min && size <= max;
    }

    private static int sizeOf(Object value, Class<?> type, String field) {
        return switch (value) {
            case CharSequence s -> s.length();
            case Collection<?> c -> c.size();
            case Map<?, ?> m -> m.size();
            case Object[] a -> a.length;
            default -> throw new IllegalStateException("@Size on " + type.getName() + "." + field + " of type " + value.getClass());
        };
    }

    private static boolean atLeast(Object value, long min, Class<?> type, String field) {
        return switch (value) {
            case Long l -> l >= min;
            case Integer i -> i >= min;
            case Short s -> s >= min;
            case Byte b -> b >= min;
            case java.math.BigInteger b -> b.compareTo(java.math.BigInteger.valueOf(min)) >= 0;
            case java.math.BigDecimal b -> b.compareTo(java.math.BigDecimal.valueOf(min)) >= 0;
            default -> throw new IllegalStateException("@Min on " + type.getName() + "." + field + " of type " + value.getClass());
        };
    }

    /**
     * An address as {@code @Email} means it: empty (no address), or {@code local@domain} where the local part is a
     * dot-atom of RFC 5322 (letters, digits, {@code !#$%&'*+/=?^_`{|}~-} and characters beyond ASCII, dots between
     * them) of at most 64 characters, and the domain is dot-separated labels of letters and digits with inner
     * hyphens, each at most 63 characters, or an address literal in brackets. No top-level domain is required
     * ({@code admin@localhost} is an address).
     */
    static boolean isEmailAddress(String value) {
        if (value.isEmpty()) {
            return true;
        }
        int at = value.lastIndexOf('@');
        if (at <= 0 || at == value.length() - 1) {
            return false;
        }
        String local = value.substring(0, at);
        String domain = value.substring(at + 1);
        return local.length() <= 64 && isDotAtom(local) && domain.length() <= 255 && isDomain(domain);
    }

    private static boolean isDotAtom(String local) {
        return Arrays.stream(local.split("\\.", -1)).allMatch(atom -> !atom.isEmpty()
                && atom.chars().allMatch(c -> c > 127 || Character.isLetterOrDigit(c) || "!#$%&'*+/=?^_`{|}~-".indexOf(c) >= 0));
    }

    private static boolean isDomain(String domain) {
        if (domain.startsWith("[") && domain.endsWith("]")) {
            String literal = domain.substring(1, domain.length() - 1);
            return !literal.isEmpty() && literal.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == ':');
        }
        return Arrays.stream(domain.split("\\.", -1)).allMatch(label -> !label.isEmpty() && label.length() <= 63
                && label.charAt(0) != '-' && label.charAt(label.length() - 1) != '-'
                && label.chars().allMatch(c -> c > 127 || Character.isLetterOrDigit(c) || c == '-'));
    }
}
