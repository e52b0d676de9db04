package dev.registry.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.registry.core.RegistryException;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 11, security 2: regular-expression tag patterns are matched in linear time and bounded when saved. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TagRegexTest {

    private static final String FIELD = "rules[0].tagPattern";

    /** The timeout only guards against a hang (java.util.regex took 11 s at 28 characters); the answers are the test. */
    @Test
    void a_pattern_that_backtracks_exponentially_in_java_util_regex_answers_at_once_for_tags_up_to_128_characters() {
        var pattern = TagRegex.compile("(a*)*b", FIELD);
        boolean[] answers = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> new boolean[] {
                pattern.matches("a".repeat(28)), pattern.matches("a".repeat(128)), pattern.matches("a".repeat(127) + "b")});
        assertThat(answers).containsExactly(false, false, true);
    }

    @Test
    void the_issues_backreference_is_refused_naming_the_field_and_what_is_not_supported() {
        assertThatThrownBy(() -> TagRegex.compile("(a*)*\\1b", FIELD)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("backreferences such as \\1 are not supported")
                .satisfies(e -> assertThat(((RegistryException) e).detail()).isEqualTo(Map.of("field", FIELD)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"(?=v)v.*", "(?!dev).*", "(?<=a)b", "(?<!a)b"})
    void lookaround_is_refused_as_not_supported(String regex) {
        assertThatThrownBy(() -> TagRegex.compile(regex, FIELD)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("lookahead and lookbehind are not supported");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a*+", "(?>a)b", "[a-", "(v", "\\p{Alpha}+"})
    void what_re2_does_not_accept_is_refused_naming_the_field(String regex) {
        assertThatThrownBy(() -> TagRegex.compile(regex, FIELD)).isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).detail()).isEqualTo(Map.of("field", FIELD)))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("java.", "com.google", "Exception"));
    }

    @Test
    void a_pattern_longer_than_255_characters_is_refused_naming_the_limit() {
        assertThat(TagRegex.compile("a".repeat(255), FIELD).matches("a".repeat(255))).isTrue();
        assertThatThrownBy(() -> TagRegex.compile("a".repeat(256), FIELD)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("1 to 255 characters")
                .satisfies(e -> assertThat(((RegistryException) e).detail()).isEqualTo(Map.of("field", FIELD)));
    }

    /** RE2/J expands counts when compiling and has no limit: this one exhausted a 512 MiB heap. */
    @ParameterizedTest
    @ValueSource(strings = {"((a{1000}){1000}){1000}", "(a{1000}){1000}", "(((((((((a{9}){9}){9}){9}){9}){9}){9}){9}){9})",
            "[a-z]{1,1000}", "(x{1,100}|y{1,100}){1,100}"})
    void repetition_counts_that_expand_beyond_the_limit_are_refused_before_compiling(String regex) {
        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> TagRegex.compile(regex, FIELD)))
                .isInstanceOf(RegistryException.class).hasMessageContaining("at most " + TagRegex.MAX_STATES + " states");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v[0-9]+\\.[0-9]+\\.[0-9]+", "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            ".{1,128}", "(latest|stable|release-[0-9]{1,3})", "\\Qa{1000}\\E", "[{]{2}", "\\x{41}{10}"})
    void ordinary_patterns_are_well_within_the_limit(String regex) {
        assertThat(TagRegex.compile(regex, FIELD)).isNotNull();
    }

    /** For the syntax both share, RE2's answers are java.util.regex's: tag patterns written before keep their meaning. */
    @Test
    void common_patterns_answer_as_java_util_regex_did() {
        String[] patterns = {"[0-9.]+", ".*-rc\\..*", "v\\d+\\.\\d+(\\.\\d+)?", "(latest|stable)", "release-[0-9]{1,3}",
                "[a-z]+-[0-9a-f]{7}", "^v.*$", ".*(dev|test).*", "[^.]+", "\\w+", "a|ab|abc", "(a|b)*c?"};
        Random random = new Random(11);
        String alphabet = "abcv019.-_rdtesl";
        for (String regex : patterns) {
            var now = TagRegex.compile(regex, FIELD);
            var before = java.util.regex.Pattern.compile(regex);
            for (int n = 0; n < 2_000; n++) {
                StringBuilder tag = new StringBuilder();
                for (int i = random.nextInt(1, 12); i > 0; i--) {
                    tag.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                assertThat(now.matches(tag.toString())).as("%s against %s", regex, tag)
                        .isEqualTo(before.matcher(tag).matches());
            }
        }
    }
}
