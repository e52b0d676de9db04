package dev.registry.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.RegistryException;
import dev.registry.core.retention.Decision.Action;
import dev.registry.core.retention.RetentionRule.Always;
import dev.registry.core.retention.RetentionRule.LatestPushed;
import dev.registry.core.retention.Selection.Decoration;
import dev.registry.core.retention.Selection.PatternKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How rules combine, and what follows what: scope, untagged, referrers, index children, immutable tags. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RetentionEngineTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    static Candidate artifact(String repository, String digest, int pushedDaysAgo, String... tags) {
        return new Candidate(repository, digest, List.of(tags), List.of(), NOW.minus(Duration.ofDays(pushedDaysAgo)), null,
                null, List.of());
    }

    static Candidate referrer(String digest, String subject) {
        return new Candidate("app", digest, List.of(), List.of(), NOW, null, subject, List.of());
    }

    static Candidate index(String digest, int pushedDaysAgo, List<String> children, String... tags) {
        return new Candidate("app", digest, List.of(tags), List.of(), NOW.minus(Duration.ofDays(pushedDaysAgo)), null, null,
                children);
    }

    static Selection tags(String pattern, Decoration decoration, boolean untagged) {
        return new Selection("**", Decoration.INCLUDE, pattern, PatternKind.DOUBLESTAR, decoration, untagged);
    }

    static List<Decision> decide(List<Candidate> artifacts, RetentionRule... rules) {
        return RetentionEngine.decide(new RetentionPolicy(List.of(rules)), artifacts, NOW);
    }

    static Decision decisionFor(List<Decision> decisions, String digest) {
        return decisions.stream().filter(d -> d.digest().equals(digest)).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{1} tags ''{0}'', untagged {2}: keeps {3}")
    @CsvSource(delimiter = '|', textBlock = """
            v* | INCLUDE | false | v1
            v* | INCLUDE | true  | v1 untagged
            v* | EXCLUDE | false | dev
            v* | EXCLUDE | true  | dev untagged
            ** | EXCLUDE | true  | untagged
            ** | EXCLUDE | false | ''
            """)
    void untagged_means_untagged_artifacts_are_selected_on_include_and_exclude_rules_alike(String pattern, Decoration decoration,
                                                                                         boolean untagged, String expected) {
        // given one artifact tagged v1, one tagged dev, one untagged
        List<Candidate> artifacts = List.of(artifact("app", "v1", 3, "v1"), artifact("app", "dev", 2, "dev"),
                artifact("app", "untagged", 1));

        // when one "always" rule selects them
        List<Decision> decisions = decide(artifacts, new Always(tags(pattern, decoration, untagged)));

        // then exactly the selected ones stay
        assertThat(RetentionEngine.digests(decisions, Action.RETAIN))
                .isEqualTo(RetentionRulesTest.set(expected));
    }

    @Test
    void an_exclude_rule_selects_an_artifact_only_when_none_of_its_tags_matches() {
        List<Candidate> artifacts = List.of(artifact("app", "both", 2, "v1", "dev"), artifact("app", "dev", 1, "dev"));

        List<Decision> decisions = decide(artifacts, new Always(tags("v*", Decoration.EXCLUDE, false)));

        assertThat(RetentionEngine.digests(decisions, Action.RETAIN)).containsExactly("dev");
        assertThat(decisionFor(decisions, "both").action()).isEqualTo(Action.DELETE);
    }

    @Test
    void an_artifact_is_kept_when_any_rule_keeps_it_and_the_first_such_rule_is_named() {
        List<Candidate> artifacts = List.of(artifact("app", "old", 30, "1.0"), artifact("app", "new", 1, "dev"),
                artifact("app", "gone", 20, "dev-old"));

        List<Decision> decisions = decide(artifacts, new LatestPushed(tags("**", Decoration.INCLUDE, true), 1),
                new Always(tags("1.*", Decoration.INCLUDE, false)));

        assertThat(decisionFor(decisions, "new").rule()).isEqualTo(1);
        assertThat(decisionFor(decisions, "old").rule()).isEqualTo(2);
        assertThat(decisionFor(decisions, "old").reason()).isEqualTo("rule 2 keeps always");
        assertThat(decisionFor(decisions, "gone")).satisfies(d -> {
            assertThat(d.action()).isEqualTo(Action.DELETE);
            assertThat(d.rule()).isNull();
            assertThat(d.reason()).isEqualTo("no rule retains it");
        });
    }

    @Test
    void counts_are_per_repository_and_repositories_no_rule_selects_are_left_alone() {
        List<Candidate> artifacts = List.of(artifact("team/a", "a1", 2, "x"), artifact("team/a", "a2", 1, "y"),
                artifact("team/b", "b1", 2, "x"), artifact("team/b", "b2", 1, "y"), artifact("other", "o1", 9, "x"));
        Selection team = new Selection("team/**", Decoration.INCLUDE, "**", PatternKind.DOUBLESTAR, Decoration.INCLUDE, true);

        List<Decision> decisions = decide(artifacts, new LatestPushed(team, 1));

        assertThat(RetentionEngine.digests(decisions, Action.RETAIN)).containsExactly("a2", "b2");
        assertThat(RetentionEngine.digests(decisions, Action.DELETE)).containsExactly("a1", "b1");
        assertThat(decisions).noneMatch(d -> d.repository().equals("other"));
    }

    @Test
    void an_excluded_repository_is_out_of_scope() {
        List<Candidate> artifacts = List.of(artifact("team/a", "a1", 2, "x"), artifact("cache/b", "b1", 2, "x"));
        Selection notCache = new Selection("cache/**", Decoration.EXCLUDE, "**", PatternKind.DOUBLESTAR, Decoration.INCLUDE, true);

        List<Decision> decisions = decide(artifacts, new Always(notCache));

        assertThat(decisions).extracting(Decision::digest).containsExactly("a1");
    }

    @Test
    void referrers_follow_their_subject_kept_with_it_and_deleted_with_it() {
        // given a kept image with a signature and an SBOM whose own attestation refers to it, and a dropped image with a signature
        List<Candidate> artifacts = List.of(artifact("app", "kept", 1, "v2"), referrer("kept-sig", "kept"),
                referrer("kept-sbom", "kept"), referrer("kept-sbom-att", "kept-sbom"),
                artifact("app", "dropped", 5, "v1"), referrer("dropped-sig", "dropped"));

        List<Decision> decisions = decide(artifacts, new LatestPushed(tags("**", Decoration.INCLUDE, true), 1));

        assertThat(RetentionEngine.digests(decisions, Action.RETAIN))
                .containsExactly("kept", "kept-sbom", "kept-sbom-att", "kept-sig");
        assertThat(RetentionEngine.digests(decisions, Action.DELETE)).containsExactly("dropped", "dropped-sig");
        assertThat(decisionFor(decisions, "kept-sig").reason()).isEqualTo("kept with its subject kept");
        assertThat(decisionFor(decisions, "dropped-sig").reason()).isEqualTo("its subject dropped is deleted");
    }

    @Test
    void referrers_are_not_counted_as_artifacts_by_the_templates() {
        List<Candidate> artifacts = List.of(artifact("app", "image", 3, "v1"), referrer("sig", "image"));

        List<Decision> decisions = decide(artifacts, new LatestPushed(tags("**", Decoration.INCLUDE, true), 1));

        assertThat(RetentionEngine.digests(decisions, Action.RETAIN)).containsExactly("image", "sig");
    }

    @Test
    void children_of_a_kept_index_are_kept_and_children_of_a_deleted_index_go_with_it() {
        // given two multi-platform indexes; one child of the old index is shared with the new one and carries a tag
        List<Candidate> artifacts = List.of(
                index("new-index", 1, List.of("new-amd64", "shared-arm64"), "2.0"),
                artifact("app", "new-amd64", 1), artifact("app", "shared-arm64", 9, "arm-only"),
                index("old-index", 10, List.of("old-amd64", "shared-arm64"), "1.0"),
                artifact("app", "old-amd64", 10));

        List<Decision> decisions = decide(artifacts, new LatestPushed(tags("*.*", Decoration.INCLUDE, true), 1));

        assertThat(RetentionEngine.digests(decisions, Action.RETAIN)).containsExactly("new-amd64", "new-index");
        assertThat(RetentionEngine.digests(decisions, Action.UNTAG)).containsExactly("shared-arm64");
        assertThat(RetentionEngine.digests(decisions, Action.DELETE)).containsExactly("old-amd64", "old-index");
        assertThat(decisionFor(decisions, "new-amd64").reason()).isEqualTo("kept with index new-index");
        assertThat(decisionFor(decisions, "old-amd64").reason()).isEqualTo("no kept index references it");
    }

    @Test
    void an_artifact_with_an_immutable_tag_is_kept_whatever_the_rules_say_and_so_are_its_referrers() {
        Candidate pinned = new Candidate("app", "pinned", List.of("v1", "latest"), List.of("v1"), NOW.minus(Duration.ofDays(99)),
                null, null, List.of());
        List<Candidate> artifacts = List.of(pinned, referrer("pinned-sig", "pinned"), artifact("app", "new", 1, "v2"));

        List<Decision> decisions = decide(artifacts, new LatestPushed(tags("**", Decoration.INCLUDE, true), 1));

        assertThat(RetentionEngine.digests(decisions, Action.RETAIN)).containsExactly("new", "pinned", "pinned-sig");
        assertThat(decisionFor(decisions, "pinned")).satisfies(d -> {
            assertThat(d.rule()).isNull();
            assertThat(d.reason()).isEqualTo("immutable tag v1");
        });
    }

    /** A sha256 digest named after {@code name}, so that cosign's attachment tags can name it. */
    static String sha(String name) {
        return "sha256:" + String.format("%64s", Integer.toHexString(name.hashCode())).replace(' ', '0');
    }

    /** A manifest tagged with cosign's attachment tag {@code sha256-<subject hex>.<suffix>} (cosign's tag schema). */
    static Candidate cosignTagged(String digest, String subject, String suffix, int pushedDaysAgo, String... immutable) {
        String tag = "sha256-" + subject.substring("sha256:".length()) + "." + suffix;
        return new Candidate("app", digest, List.of(tag), List.of(immutable), NOW.minus(Duration.ofDays(pushedDaysAgo)), null,
                null, List.of());
    }

    @Test
    void cosign_tagged_signatures_follow_their_subject_and_are_never_counted_nor_matched_by_tag_rules() {
        // issue 12, signatures the cosign way: sha256-<hex>.sig|att|sbom belong to the manifest sha256:<hex> (Harbor's accessories)
        // given an old and a new image; the old one's .sig and .sbom and the new one's .att, all pushed after both images
        String old = sha("old");
        String fresh = sha("new");
        List<Candidate> artifacts = List.of(artifact("app", old, 5, "1.0"), artifact("app", fresh, 3, "2.0"),
                cosignTagged(sha("old-sig"), old, "sig", 0), cosignTagged(sha("old-sbom"), old, "sbom", 0),
                cosignTagged(sha("new-att"), fresh, "att", 1));

        // when a rule keeps the most recently pushed tagged artifact, and another every tag starting with sha256-
        List<Decision> decisions = decide(artifacts, new LatestPushed(tags("**", Decoration.INCLUDE, false), 1),
                new Always(tags("sha256-*", Decoration.INCLUDE, false)));

        // then the signatures are neither the newest artifact nor matched by the second rule: the new image is kept with
        // its attestation, the old one goes with its signature and SBOM
        assertThat(RetentionEngine.digests(decisions, Action.RETAIN)).containsExactlyInAnyOrder(fresh, sha("new-att"));
        assertThat(RetentionEngine.digests(decisions, Action.DELETE)).containsExactlyInAnyOrder(old, sha("old-sig"), sha("old-sbom"));
        assertThat(decisionFor(decisions, sha("new-att")).reason()).isEqualTo("kept with its subject " + fresh);
        assertThat(decisionFor(decisions, sha("new-att")).rule()).isEqualTo(1);
        assertThat(decisionFor(decisions, sha("old-sig")).reason()).isEqualTo("its subject " + old + " is deleted");
        // and subjects come before their accessories, so a run deletes a subject (taking its accessories along) first
        assertThat(decisions.subList(0, 2)).extracting(Decision::digest).containsExactlyInAnyOrder(old, fresh);
    }

    @Test
    void an_immutable_tag_on_a_signature_does_not_keep_it_on_its_own_and_one_on_its_subject_keeps_both() {
        // Harbor: immutability rules applied to a signed artifact extend to both the signed artifact and the signature
        String pinned = sha("pinned");
        String dropped = sha("dropped");
        Candidate pinnedImage = new Candidate("app", pinned, List.of("v1"), List.of("v1"), NOW.minus(Duration.ofDays(9)), null,
                null, List.of());
        List<Candidate> artifacts = List.of(pinnedImage, cosignTagged(sha("pinned-sig"), pinned, "sig", 0),
                artifact("app", dropped, 8, "v0"),
                cosignTagged(sha("dropped-sig"), dropped, "sig", 0, "sha256-" + dropped.substring(7) + ".sig"),
                artifact("app", sha("latest"), 1, "v2"));

        List<Decision> decisions = decide(artifacts, new LatestPushed(tags("**", Decoration.INCLUDE, false), 1));

        assertThat(RetentionEngine.digests(decisions, Action.RETAIN))
                .containsExactlyInAnyOrder(pinned, sha("pinned-sig"), sha("latest"));
        assertThat(RetentionEngine.digests(decisions, Action.DELETE)).containsExactlyInAnyOrder(dropped, sha("dropped-sig"));
    }

    @Test
    void a_cosign_tag_naming_no_manifest_of_the_repository_or_a_ring_of_them_is_an_artifact_of_its_own() {
        // a signature whose image is elsewhere (COSIGN_REPOSITORY) is what the rules see; so are two manifests tagging each other
        String a = sha("ring-a");
        String b = sha("ring-b");
        List<Candidate> artifacts = List.of(cosignTagged(sha("orphan-sig"), sha("elsewhere"), "sig", 1),
                cosignTagged(a, b, "sig", 2), cosignTagged(b, a, "att", 3));

        List<Decision> decisions = decide(artifacts, new LatestPushed(tags("**", Decoration.INCLUDE, false), 2));

        assertThat(RetentionEngine.digests(decisions, Action.RETAIN)).containsExactlyInAnyOrder(sha("orphan-sig"), a);
        assertThat(decisionFor(decisions, b).reason()).isEqualTo("no rule retains it");
    }

    @Test
    void a_policy_without_rules_decides_nothing_and_an_invalid_one_is_refused() {
        assertThat(decide(List.of(artifact("app", "a", 1, "x")))).isEmpty();

        assertThatThrownBy(() -> new RetentionPolicy(Collections.nCopies(16, new Always(Selection.everything()))).validate())
                .isInstanceOf(RegistryException.class).hasMessageContaining("at most 15 rules");
        assertThatThrownBy(() -> new RetentionPolicy(List.of(new LatestPushed(Selection.everything(), 0))).validate())
                .isInstanceOf(RegistryException.class).hasMessageContaining("1 to");
        Selection badRegex = new Selection("**", Decoration.INCLUDE, "([", PatternKind.REGEX, Decoration.INCLUDE, false);
        assertThatThrownBy(() -> new RetentionPolicy(List.of(new Always(badRegex))).validate())
                .isInstanceOf(RegistryException.class).hasMessageContaining("not a regular expression");
    }
}
