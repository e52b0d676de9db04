package dev.registry.core.immutability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.registry.core.RegistryException;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Doublestar globs as Harbor's rules use them (github.com/bmatcuk/doublestar semantics). */
class DoublestarPatternTest {

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource(delimiter = '|', value = {
            "**            | app                | true",
            "**            | team/tools/app     | true",
            "*             | app                | true",
            "*             | team/app           | false",
            "team/*        | team/app           | true",
            "team/*        | team/tools/app     | false",
            "team/**       | team/tools/app     | true",
            "**/app        | app                | true",
            "**/app        | team/tools/app     | true",
            "**/app        | team/apps          | false",
            "v?.0          | v1.0               | true",
            "v?.0          | v10.0              | false",
            "release-{1,2}.* | release-1.4      | true",
            "release-{1,2}.* | release-3.0      | false",
            "1.0           | 1.0                | true",
            "1.0           | 1x0                | false",
            "latest        | latest-1           | false",
    })
    void aPatternMatchesTheWholeName(String glob, String input, boolean expected) {
        assertThat(DoublestarPattern.compile(glob, "tagPattern").matches(input)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"'{a,b'", "'a}'", "''"})
    void anUnbalancedOrEmptyPatternIsRefusedNamingTheField(String glob) {
        assertThatThrownBy(() -> DoublestarPattern.compile(glob, "tagPattern")).isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).detail()).isEqualTo(Map.of("field", "tagPattern")));
    }

    /** Issue 11, security 2: a pattern's length is bounded when a rule is saved. */
    @Test
    void aPatternLongerThan255CharactersIsRefusedNamingTheFieldAndTheLimit() {
        assertThat(DoublestarPattern.compile("a".repeat(255), "tagPattern").matches("a".repeat(255))).isTrue();
        assertThatThrownBy(() -> DoublestarPattern.compile("a".repeat(256), "tagPattern"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("256 characters long").hasMessageContaining("1 to 255 characters")
                .satisfies(e -> assertThat(((RegistryException) e).detail()).isEqualTo(Map.of("field", "tagPattern")));
    }

    /**
     * Issue 11, security 2: {@code *a*a*a*a*a*a*a*a*a*a*a*a*b} against a 45-character tag hung a push
     * (java.util.regex backtracks exponentially). The timeout is only a guard against a hang; the
     * assertions are the answers.
     */
    @Test
    void theIssuesPathologicalPatternAnswersAtOnceForTagsUpTo128Characters() {
        DoublestarPattern pattern = DoublestarPattern.compile("*a*a*a*a*a*a*a*a*a*a*a*a*b", "tagPattern");
        boolean[] answers = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> new boolean[] {
                pattern.matches("a".repeat(45)),
                pattern.matches("a".repeat(128)),
                pattern.matches("a".repeat(44) + "b"),
                pattern.matches("a".repeat(11) + "b")});
        assertThat(answers).containsExactly(false, false, true, false);
        DoublestarPattern deep = DoublestarPattern.compile("**a**a**a**a**a**a**a**a**a**a**a**a**b", "repositoryPattern");
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> deep.matches("a/".repeat(127) + "a")))
                .isFalse();
    }

    /**
     * The RE2/J matcher answers exactly as the java.util.regex one it replaced, on generated globs
     * and inputs small enough for the old one to finish (including characters the old {@code .}
     * treated specially: line terminators, and a character outside the BMP).
     */
    @Test
    void theLinearMatcherAnswersAsTheBacktrackingOneDid() {
        Random random = new Random(11);
        String globAlphabet = "ab/*?{},.-";
        String[] inputAlphabet = {"a", "b", "/", ".", "-", ",", "\n", "\r", "\u2028", "é", "\uD83D\uDE00"};
        int compared = 0;
        for (int g = 0; g < 3_000; g++) {
            StringBuilder glob = new StringBuilder();
            for (int i = random.nextInt(1, 10); i > 0; i--) {
                glob.append(globAlphabet.charAt(random.nextInt(globAlphabet.length())));
            }
            java.util.regex.Pattern old = BacktrackingDoublestar.compile(glob.toString());
            if (old == null) {
                assertThatThrownBy(() -> DoublestarPattern.compile(glob.toString(), "f")).as(glob.toString())
                        .isInstanceOf(RegistryException.class);
                continue;
            }
            DoublestarPattern now = DoublestarPattern.compile(glob.toString(), "f");
            for (int n = 0; n < 30; n++) {
                StringBuilder input = new StringBuilder();
                for (int i = random.nextInt(0, 9); i > 0; i--) {
                    input.append(inputAlphabet[random.nextInt(inputAlphabet.length)]);
                }
                assertThat(now.matches(input.toString())).as("'%s' against '%s'", glob, input)
                        .isEqualTo(old.matcher(input).matches());
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(10_000);
    }

    /** The translation DoublestarPattern used before RE2/J (java.util.regex, backtracking): the reference semantics. */
    private static final class BacktrackingDoublestar {

        /** Null for a glob the old code refused (blank, too long, unbalanced braces). */
        static java.util.regex.Pattern compile(String glob) {
            if (glob.isBlank() || glob.length() > 255) {
                return null;
            }
            StringBuilder out = new StringBuilder();
            int braces = 0;
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                switch (c) {
                    case '*' -> {
                        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                            i++;
                            if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                                i++;
                                out.append("(?:.*/)?");
                            } else {
                                out.append(".*");
                            }
                        } else {
                            out.append("[^/]*");
                        }
                    }
                    case '?' -> out.append("[^/]");
                    case '{' -> {
                        braces++;
                        out.append("(?:");
                    }
                    case '}' -> {
                        if (braces == 0) {
                            return null;
                        }
                        braces--;
                        out.append(')');
                    }
                    case ',' -> out.append(braces > 0 ? "|" : ",");
                    default -> out.append(java.util.regex.Pattern.quote(String.valueOf(c)));
                }
            }
            return braces != 0 ? null : java.util.regex.Pattern.compile(out.toString());
        }
    }
}
