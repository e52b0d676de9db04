package dev.registry.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.core.RegistryException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The property every parser of untrusted input keeps (issue 11, "how to keep it so"): whatever the
 * input, it answers or throws the registry's own error ({@link RegistryException}, or the one the
 * parser documents), never anything else (that would be a 500), and no message names a Java class
 * or a library's internals, unless the input itself carried those words (messages quote input).
 */
public final class UntrustedInput {

    /** Fragments that give away the implementation. */
    public static final List<String> LEAKS = List.of("java.", "javax.", "com.fasterxml", "tools.jackson", "Exception",
            "StreamReadConstraints", "org.springframework", "dev.registry", "jakarta.", "()");

    private UntrustedInput() {
    }

    /** Runs {@code parser} on {@code input}, failing on any throwable but {@code allowed} or on a leaking message. */
    public static <T> void check(T input, Consumer<T> parser, Class<? extends RuntimeException> allowed) {
        try {
            parser.accept(input);
        } catch (RuntimeException e) {
            if (!allowed.isInstance(e)) {
                throw new AssertionError("parser threw " + e.getClass().getName() + " for input " + describe(input), e);
            }
            String message = String.valueOf(e.getMessage());
            String text = input instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                    : String.valueOf(input);
            for (String leak : LEAKS) {
                if (!text.contains(leak)) {
                    assertThat(message).as("message for input %s", describe(input)).doesNotContain(leak);
                }
            }
        }
    }

    private static String describe(Object input) {
        String text = input instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : String.valueOf(input);
        return text.length() > 300 ? "'" + text.substring(0, 300) + "...' (" + text.length() + " chars)" : "'" + text + "'";
    }

    /** The default allowed error. */
    public static <T> void check(T input, Consumer<T> parser) {
        check(input, parser, RegistryException.class);
    }
}
