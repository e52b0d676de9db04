package dev.registry.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.core.retention.Decision.Action;
import dev.registry.core.retention.RetentionRule.Always;
import dev.registry.core.retention.RetentionRule.HighestSemver;
import dev.registry.core.retention.RetentionRule.LatestPulled;
import dev.registry.core.retention.RetentionRule.LatestPushed;
import dev.registry.core.retention.RetentionRule.PulledWithinDays;
import dev.registry.core.retention.RetentionRule.PushedWithinDays;
import dev.registry.core.retention.Selection.Decoration;
import dev.registry.core.retention.Selection.PatternKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each template on one fixture repository, {@code team/app}, checked against exactly the artifacts
 * it keeps. Times are days before {@link #NOW}:
 *
 * <pre>
 * artifact  tags             pushed  pulled
 * a         1.0.0            50      1
 * b         1.2.0, latest    40      never
 * c         2.0.0-rc.1       30      10
 * d         dev-x            20      40
 * e         (untagged)       10      5
 * f         v1.10.0          5       never
 * </pre>
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RetentionRulesTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    static final List<Candidate> FIXTURE = List.of(
            artifact("a", 50, 1, "1.0.0"),
            artifact("b", 40, null, "1.2.0", "latest"),
            artifact("c", 30, 10, "2.0.0-rc.1"),
            artifact("d", 20, 40, "dev-x"),
            artifact("e", 10, 5),
            artifact("f", 5, null, "v1.10.0"));

    static Candidate artifact(String digest, int pushedDaysAgo, Integer pulledDaysAgo, String... tags) {
        return new Candidate("team/app", digest, List.of(tags), List.of(), NOW.minus(Duration.ofDays(pushedDaysAgo)),
                pulledDaysAgo == null ? null : NOW.minus(Duration.ofDays(pulledDaysAgo)), null, List.of());
    }

    static Selection tags(String pattern, boolean untagged) {
        return new Selection("**", Decoration.INCLUDE, pattern, PatternKind.DOUBLESTAR, Decoration.INCLUDE, untagged);
    }

    static Set<String> kept(RetentionRule rule) {
        List<Decision> decisions = RetentionEngine.decide(new RetentionPolicy(List.of(rule)), FIXTURE, NOW);
        assertThat(decisions).hasSize(FIXTURE.size());
        return RetentionEngine.digests(decisions, Action.RETAIN);
    }

    static Set<String> set(String digests) {
        return digests.isBlank() ? Set.of() : new TreeSet<>(Arrays.asList(digests.split(" ")));
    }

    @ParameterizedTest(name = "the {0} most recently pushed of ''{1}'' (untagged: {2}) are {3}")
    @CsvSource(delimiter = '|', textBlock = """
            1  | **   | true  | f
            2  | **   | false | d f
            3  | **   | true  | d e f
            10 | **   | true  | a b c d e f
            2  | 1.*  | false | a b
            1  | v*   | true  | f
            2  | v*   | true  | e f
            """)
    void latest_pushed_keeps_the_newest_pushes(int count, String pattern, boolean untagged, String expected) {
        assertThat(kept(new LatestPushed(tags(pattern, untagged), count))).isEqualTo(set(expected));
    }

    @ParameterizedTest(name = "the {0} most recently pulled of ''{1}'' (untagged: {2}) are {3}")
    @CsvSource(delimiter = '|', textBlock = """
            1 | **  | true  | a
            2 | **  | true  | a e
            3 | **  | false | a c d
            5 | **  | false | a b c d f
            1 | *.* | false | a
            """)
    void latest_pulled_keeps_the_newest_pulls_and_counts_never_pulled_ones_last(int count, String pattern,
                                                                               boolean untagged, String expected) {
        assertThat(kept(new LatestPulled(tags(pattern, untagged), count))).isEqualTo(set(expected));
    }

    @ParameterizedTest(name = "the {0} highest versions of ''{1}'' are {2}")
    @CsvSource(delimiter = '|', textBlock = """
            1 | **    | c
            2 | **    | c f
            3 | **    | c f b
            9 | **    | a b c f
            1 | 1.*   | b
            2 | v*    | f
            """)
    void highest_semver_orders_tags_as_semantic_versions_and_ignores_other_tags(int count, String pattern, String expected) {
        assertThat(kept(new HighestSemver(tags(pattern, true), count))).isEqualTo(set(expected));
    }

    @ParameterizedTest(name = "pushed within {0} days, ''{1}'' (untagged: {2}): {3}")
    @CsvSource(delimiter = '|', textBlock = """
            5   | ** | true  | f
            20  | ** | true  | d e f
            20  | ** | false | d f
            365 | ** | true  | a b c d e f
            1   | ** | true  | ''
            """)
    void pushed_within_days_keeps_recent_pushes(int days, String pattern, boolean untagged, String expected) {
        assertThat(kept(new PushedWithinDays(tags(pattern, untagged), days))).isEqualTo(set(expected));
    }

    @ParameterizedTest(name = "pulled within {0} days, ''{1}'' (untagged: {2}): {3}")
    @CsvSource(delimiter = '|', textBlock = """
            1   | ** | true  | a
            7   | ** | true  | a e
            7   | ** | false | a
            365 | ** | true  | a c d e
            """)
    void pulled_within_days_keeps_recent_pulls_never_the_never_pulled(int days, String pattern, boolean untagged,
                                                                     String expected) {
        assertThat(kept(new PulledWithinDays(tags(pattern, untagged), days))).isEqualTo(set(expected));
    }

    @ParameterizedTest(name = "always, ''{0}'' ({1}, untagged: {2}): {3}")
    @CsvSource(delimiter = '|', textBlock = """
            **         | DOUBLESTAR | true  | a b c d e f
            **         | DOUBLESTAR | false | a b c d f
            dev-*      | DOUBLESTAR | false | d
            {latest,v*} | DOUBLESTAR | false | b f
            [0-9.]+    | REGEX      | false | a b
            .*-rc\\..* | REGEX      | true  | c e
            """)
    void always_keeps_everything_it_selects(String pattern, PatternKind kind, boolean untagged, String expected) {
        Selection selection = new Selection("**", Decoration.INCLUDE, pattern, kind, Decoration.INCLUDE, untagged);
        assertThat(kept(new Always(selection))).isEqualTo(set(expected));
    }
}
