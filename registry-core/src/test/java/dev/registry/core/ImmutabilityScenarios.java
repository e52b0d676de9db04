package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.immutability.ImmutabilityService;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Tag immutability against pushes and deletes: a protected tag is never moved or deleted, and
 * the refusal names the rule; unprotected tags, first pushes and same-digest re-pushes go on.
 */
abstract class ImmutabilityScenarios extends DatabaseScenarios {

    @Autowired
    ImmutabilityService immutability;

    private RepositoryName repositoryWithRule(String repositoryPattern, String tagPattern) {
        String project = "imm-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        long projectId = projects.create(project, false, null, "tester", null).id();
        immutability.create(projectId, repositoryPattern, tagPattern, "tester");
        return new RepositoryName(project + "/team/app");
    }

    @Test
    void a_protected_tag_cannot_be_moved_but_its_first_push_and_a_same_digest_push_go_on() throws Exception {
        RepositoryName repo = repositoryWithRule("team/**", "v*");
        Blob config = blob("{\"v\":1}");
        pushBlob(repo, config);
        byte[] first = image(config).bytes();
        Blob other = blob("{\"v\":2}");
        pushBlob(repo, other);
        byte[] second = image(other).bytes();

        pushManifest(repo, "v1", first);
        pushManifest(repo, "v1", first);

        assertThatThrownBy(() -> pushManifest(repo, "v1", second)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("tag v1 of " + repo + " is immutable")
                .hasMessageContaining("repositories 'team/**', tags 'v*'")
                .satisfies(e -> assertThat(((RegistryException) e).code()).isEqualTo(ErrorCode.DENIED));
        assertThat(artifacts.getManifest(repo, Reference.parse("v1")).content()).isEqualTo(first);
        // an unprotected tag moves freely
        pushManifest(repo, "latest", first);
        pushManifest(repo, "latest", second);
        assertThat(artifacts.getManifest(repo, Reference.parse("latest")).content()).isEqualTo(second);
    }

    @Test
    void immutable_tags_answers_for_a_batch_which_tags_are_protected_and_by_which_rule() {
        // issue 13 page 3: the artifacts page marks immutable tags, a page of tags at a time
        RepositoryName repo = repositoryWithRule("team/**", "v*");
        assertThat(immutability.protecting(repo, java.util.List.of("v1", "latest", "v2.0")))
                .containsOnlyKeys("v1", "v2.0")
                .allSatisfy((tag, rule) -> assertThat(rule.tagPattern()).isEqualTo("v*"));
        assertThat(immutability.protecting(new RepositoryName(repo.project() + "/elsewhere"), java.util.List.of("v1")))
                .isEmpty();
    }

    @Test
    void a_protected_tag_cannot_be_deleted_nor_its_manifest_nor_its_repository() throws Exception {
        RepositoryName repo = repositoryWithRule("**", "release-{1,2}.*");
        Blob config = blob("{\"release\":1}");
        pushBlob(repo, config);
        byte[] manifest = image(config).bytes();
        var pushed = pushManifest(repo, "release-1.0", manifest);
        pushManifest(repo, "scratch", manifest);

        assertThatThrownBy(() -> artifacts.deleteManifest(repo, Reference.parse("release-1.0")))
                .hasMessageContaining("is immutable");
        assertThatThrownBy(() -> artifacts.deleteManifest(repo, Reference.parse(pushed.digest().toString())))
                .hasMessageContaining("is immutable");
        assertThatThrownBy(() -> artifacts.deleteRepository(repo)).hasMessageContaining("is immutable");
        artifacts.deleteManifest(repo, Reference.parse("scratch"));

        assertThat(artifacts.tags(repo, 100, null).items()).containsExactly("release-1.0");
    }

    @Test
    void a_rule_on_a_library_repository_protects_it_under_its_short_and_its_full_name_alike() throws Exception {
        // issue 11, correctness 2: a rule "alpine" in library protects library/alpine, pushed as alpine or not
        String shortName = "imm-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        immutability.create(projects.require("library").id(), shortName, "v*", "tester");
        RepositoryName viaShort = new RepositoryName(shortName);
        RepositoryName viaFull = new RepositoryName("library/" + shortName);
        Blob config = blob("{\"short\":" + System.nanoTime() + "}");
        pushBlob(viaShort, config);
        pushManifest(viaShort, "v1", image(config).bytes());

        assertThatThrownBy(() -> artifacts.deleteManifest(viaFull, Reference.parse("v1")))
                .hasMessageContaining("tag v1 of library/" + shortName + " is immutable");
        assertThatThrownBy(() -> artifacts.deleteManifest(viaShort, Reference.parse("v1")))
                .hasMessageContaining("tag v1 of library/" + shortName + " is immutable");
        assertThat(immutability.protecting(viaShort, "v1")).isPresent().isEqualTo(immutability.protecting(viaFull, "v1"));
    }

    @Test
    void rules_apply_to_the_repository_path_inside_their_project_only() throws Exception {
        RepositoryName protectedRepo = repositoryWithRule("team/app", "**");
        RepositoryName elsewhere = new RepositoryName(protectedRepo.project() + "/other/app");
        Blob a = blob("{\"a\":1}");
        Blob b = blob("{\"b\":1}");
        for (RepositoryName repo : java.util.List.of(protectedRepo, elsewhere)) {
            pushBlob(repo, a);
            pushBlob(repo, b);
            pushManifest(repo, "1.0", image(a).bytes());
        }

        pushManifest(elsewhere, "1.0", image(b).bytes());

        assertThatThrownBy(() -> pushManifest(protectedRepo, "1.0", image(b).bytes())).hasMessageContaining("is immutable");
        assertThat(immutability.rules(protectedRepo.project())).hasSize(1);
    }
}
