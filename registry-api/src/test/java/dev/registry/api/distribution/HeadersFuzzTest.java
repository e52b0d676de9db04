package dev.registry.api.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.registry.api.security.AuthenticationFilter;
import dev.registry.core.RegistryException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Fuzz targets for the header parsers of the HTTP layer that take untrusted input (issue 11, "how
 * to keep it so"): {@code Range} and an upload's {@code Content-Range} ({@link ByteRange}), and the
 * {@code Authorization: Basic} credentials ({@link AuthenticationFilter}). The property: the
 * registry's own error or an answer, never another throwable (a 500), and no message that names a
 * Java class unless the input did.
 *
 * <p>A plain test run replays the inputs kept in
 * {@code src/test/resources/dev/registry/api/distribution/HeadersFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1} fuzzes (README, "Fuzzing").
 */
class HeadersFuzzTest {

    private static final List<String> LEAKS = List.of("java.", "javax.", "com.fasterxml", "tools.jackson", "Exception",
            "org.springframework", "dev.registry", "jakarta.", "()");

    @FuzzTest(maxDuration = "1m")
    void contentRange(FuzzedDataProvider data) {
        String header = data.consumeRemainingAsString();
        try {
            ByteRange range = ByteRange.ofChunk(header);
            if (range != null) {
                assertThat(range.start()).isNotNegative();
                assertThat(range.end()).isGreaterThanOrEqualTo(range.start());
                assertThat(range.length()).isPositive(); // 0-9223372036854775807 once overflowed to Long.MIN_VALUE
            }
        } catch (RegistryException e) {
            noLeak(header, e);
        }
    }

    @FuzzTest(maxDuration = "1m")
    void range(FuzzedDataProvider data) {
        long size = data.consumeLong(0, Long.MAX_VALUE);
        String header = data.consumeRemainingAsString();
        try {
            ByteRange range = ByteRange.ofRequest(header, size);
            if (range != null) {
                assertThat(range.start()).isNotNegative();
                assertThat(range.end()).isBetween(range.start(), size - 1);
                assertThat(range.length()).isPositive();
            }
        } catch (RegistryException e) {
            noLeak(header, e);
        }
    }

    /** {@code AuthenticationFilter.decodeBasic}, the part of the filter that parses the header's value. */
    @FuzzTest(maxDuration = "1m")
    void basicCredentials(FuzzedDataProvider data) throws ReflectiveOperationException {
        String encoded = data.consumeRemainingAsString();
        Method decode = AuthenticationFilter.class.getDeclaredMethod("decodeBasic", String.class);
        decode.setAccessible(true);
        try {
            String[] pair = (String[]) decode.invoke(null, encoded);
            assertThat(pair).hasSize(2);
        } catch (InvocationTargetException wrapped) {
            if (!(wrapped.getCause() instanceof RegistryException e)) {
                throw new AssertionError("decodeBasic threw " + wrapped.getCause() + " for '" + encoded + "'",
                        wrapped.getCause());
            }
            noLeak(encoded, e);
        }
    }

    private static void noLeak(String input, RegistryException e) {
        for (String leak : LEAKS) {
            if (!input.contains(leak)) {
                assertThat(e.getMessage()).as("message for '%s'", input).doesNotContain(leak);
            }
        }
    }
}
