package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.quota.QuotaService;
import dev.registry.storage.BlobInfo;
import java.io.ByteArrayInputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Project quotas: usage counts each blob once per project (plus the manifests' bytes), is kept
 * by every push and deletion, agrees with a recalculation from the tables, and a push that would
 * exceed the quota is refused with {@code DENIED} and stores nothing.
 */
abstract class QuotaScenarios extends DatabaseScenarios {

    @Autowired
    QuotaService quotas;

    private String newProject(Long quotaBytes) {
        String project = "quota-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        projects.create(project, false, quotaBytes, "tester", null);
        return project;
    }

    private long used(String project) {
        assertRepositoryFiguresExact();
        return quotas.usage(project).usedBytes();
    }

    private long recalculated(String project) {
        return quotas.recalculate(project).usage().usedBytes();
    }

    @Test
    void two_images_sharing_a_layer_in_one_project_count_it_once_and_another_project_counts_it_again() throws Exception {
        // given two projects and one shared layer
        String team = newProject(null);
        String other = newProject(null);
        RepositoryName app = new RepositoryName(team + "/app");
        RepositoryName tool = new RepositoryName(team + "/tool");
        RepositoryName elsewhere = new RepositoryName(other + "/app");
        Blob layer = randomBlob(10_000);
        Blob configA = blob("{\"image\":\"a\"}");
        Blob configB = blob("{\"image\":\"b\"}");

        // when two images using the layer go into two repositories of the team, and one into the other project
        for (RepositoryName repo : List.of(app, tool, elsewhere)) {
            pushBlob(repo, layer);
        }
        pushBlob(app, configA);
        pushBlob(tool, configB);
        pushBlob(elsewhere, configA);
        byte[] imageA = image(configA).layer(layer).bytes();
        byte[] imageB = image(configB).layer(layer).bytes();
        pushManifest(app, "a", imageA);
        pushManifest(tool, "b", imageB);
        pushManifest(elsewhere, "a", imageA);

        // then the team counts the layer once, the other project counts it too
        assertThat(used(team)).isEqualTo(layer.size() + configA.size() + configB.size() + imageA.length + imageB.length);
        assertThat(used(other)).isEqualTo(layer.size() + configA.size() + imageA.length);
        // and re-pushing what is there changes nothing
        pushBlob(app, layer);
        pushManifest(app, "again", imageA);
        assertThat(used(team)).isEqualTo(recalculated(team))
                .isEqualTo(layer.size() + configA.size() + configB.size() + imageA.length + imageB.length);
    }

    @Test
    void a_mount_adds_the_size_only_when_the_project_lacked_the_blob() throws Exception {
        // given a blob in one project
        String source = newProject(null);
        String team = newProject(null);
        RepositoryName from = new RepositoryName(source + "/app");
        RepositoryName first = new RepositoryName(team + "/one");
        RepositoryName second = new RepositoryName(team + "/two");
        Blob layer = randomBlob(5_000);
        pushBlob(from, layer);

        // when it is mounted into a repository of another project, then into a second one there
        blobs.mount(first, layer.digest(), from, name -> true);
        long afterFirst = used(team);
        blobs.mount(second, layer.digest(), first, name -> true);

        // then the first mount added the size, the second nothing
        assertThat(afterFirst).isEqualTo(layer.size());
        assertThat(used(team)).isEqualTo(layer.size()).isEqualTo(recalculated(team));
        assertThat(used(source)).isEqualTo(layer.size());
    }

    @Test
    void deleting_the_last_manifest_using_a_layer_frees_the_layer_and_the_manifest_at_once() throws Exception {
        // given two images in one repository sharing a base layer, each with a layer of its own
        String team = newProject(null);
        RepositoryName repo = new RepositoryName(team + "/app");
        Blob base = randomBlob(8_000);
        Blob onlyA = randomBlob(3_000);
        Blob onlyB = randomBlob(2_000);
        Blob config = blob("{\"shared config\":true}");
        for (Blob b : List.of(base, onlyA, onlyB, config)) {
            pushBlob(repo, b);
        }
        byte[] imageA = image(config).layer(base).layer(onlyA).bytes();
        byte[] imageB = image(config).layer(base).layer(onlyB).bytes();
        var a = pushManifest(repo, "a", imageA);
        var b = pushManifest(repo, "b", imageB);
        long full = base.size() + onlyA.size() + onlyB.size() + config.size() + imageA.length + imageB.length;
        assertThat(used(team)).isEqualTo(full);

        // when image a is deleted
        artifacts.deleteManifest(repo, Reference.parse(a.digest().toString()));

        // then its manifest and its own layer are freed at once; what image b uses stays
        assertThat(used(team)).isEqualTo(full - imageA.length - onlyA.size()).isEqualTo(recalculated(team));
        assertThat(linkRows(repo, onlyA.digest())).isZero();
        assertThat(linkRows(repo, base.digest())).isOne();
        assertThat(blobRows(onlyA.digest())).as("the bytes stay until garbage collection").isOne();

        // when the last image goes
        artifacts.deleteManifest(repo, Reference.parse(b.digest().toString()));

        // then the project uses nothing
        assertThat(used(team)).isZero().isEqualTo(recalculated(team));
    }

    @Test
    void a_layer_still_linked_in_another_repository_of_the_project_stays_counted_when_one_image_goes() throws Exception {
        // given one layer used by images in two repositories of the project
        String team = newProject(null);
        RepositoryName app = new RepositoryName(team + "/app");
        RepositoryName tool = new RepositoryName(team + "/tool");
        Blob layer = randomBlob(4_000);
        Blob config = blob("{\"two repos\":1}");
        byte[] image = image(config).layer(layer).bytes();
        for (RepositoryName repo : List.of(app, tool)) {
            pushBlob(repo, layer);
            pushBlob(repo, config);
            pushManifest(repo, "1", image);
        }

        // when the image goes from one repository, and the other repository is deleted after
        artifacts.deleteManifest(app, Reference.parse(digestOf(image)));
        long afterManifest = used(team);
        artifacts.deleteRepository(tool);

        // then the layer stays counted while one repository links it, and is freed with the last
        assertThat(afterManifest).isEqualTo(layer.size() + config.size() + image.length);
        assertThat(used(team)).isZero().isEqualTo(recalculated(team));
    }

    private static String digestOf(byte[] content) {
        return dev.registry.storage.Digest.sha256(content).toString();
    }

    @Test
    void unlinking_a_blob_frees_it_only_when_no_other_repository_of_the_project_links_it() throws Exception {
        String team = newProject(null);
        RepositoryName one = new RepositoryName(team + "/one");
        RepositoryName two = new RepositoryName(team + "/two");
        Blob layer = randomBlob(6_000);
        pushBlob(one, layer);
        pushBlob(two, layer);

        blobs.unlink(one, layer.digest());
        assertThat(used(team)).isEqualTo(layer.size());
        blobs.unlink(two, layer.digest());
        assertThat(used(team)).isZero().isEqualTo(recalculated(team));
    }

    @Test
    void a_blob_upload_over_the_quota_is_refused_with_DENIED_naming_the_figures_and_links_nothing() throws Exception {
        // given a project with a 10 KiB quota holding 8,000 bytes
        String team = newProject(10_240L);
        RepositoryName repo = new RepositoryName(team + "/app");
        pushBlob(repo, randomBlob(8_000));
        Blob tooMuch = randomBlob(4_000);

        // when a monolithic and a chunked upload would take it to 12,000 bytes
        assertThatThrownBy(() -> pushBlob(repo, tooMuch)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("project " + team + " would use 11.7 KiB of its 10 KiB quota")
                .satisfies(e -> assertThat(((RegistryException) e).code()).isEqualTo(ErrorCode.DENIED));
        // (the chunked one at its second chunk, before its bytes: issue 11, correctness item 9)
        assertThatThrownBy(() -> pushBlobInChunks(repo, tooMuch, 1_500))
                .hasMessageContaining("would use 10.7 KiB of its 10 KiB quota");

        // then nothing was linked and the usage did not move; a blob that fits still goes in
        assertThat(linkRows(repo, tooMuch.digest())).isZero();
        assertThat(used(team)).isEqualTo(8_000).isEqualTo(recalculated(team));
        Blob fits = randomBlob(2_000);
        BlobInfo stored = pushBlob(repo, fits);
        assertThat(stored.size()).isEqualTo(2_000);
        assertThat(used(team)).isEqualTo(10_000);
    }

    @Test
    void a_mount_and_a_manifest_push_over_the_quota_are_refused_and_store_nothing() throws Exception {
        // given a blob elsewhere and a project nearly full
        String team = newProject(5_000L);
        RepositoryName repo = new RepositoryName(team + "/app");
        RepositoryName source = newRepository("quota-source");
        Blob big = randomBlob(3_000);
        pushBlob(source, big);
        Blob config = randomBlob(4_990);
        pushBlob(repo, config);

        // when the blob is mounted, and a manifest is pushed that no longer fits
        assertThatThrownBy(() -> blobs.mount(repo, big.digest(), source, name -> true))
                .hasMessageContaining("would use 7.8 KiB of its 4.9 KiB quota");
        byte[] manifest = image(config).bytes();
        assertThatThrownBy(() -> pushManifest(repo, "1", manifest))
                .satisfies(e -> assertThat(((RegistryException) e).code()).isEqualTo(ErrorCode.DENIED));

        // then neither is stored, and the figure is unchanged
        assertThat(linkRows(repo, big.digest())).isZero();
        assertThat(manifestRows(repo)).isZero();
        assertThat(tagRows(repo)).isZero();
        assertThat(used(team)).isEqualTo(4_990).isEqualTo(recalculated(team));
    }

    @Test
    void pushes_that_add_nothing_go_on_even_when_the_project_is_over_a_lowered_quota() throws Exception {
        String team = newProject(null);
        RepositoryName repo = new RepositoryName(team + "/app");
        Blob layer = randomBlob(3_000);
        pushBlob(repo, layer);
        projects.update(team, null, 1_000L, false);

        pushBlob(repo, layer);
        assertThat(used(team)).isEqualTo(3_000);
        blobs.unlink(repo, layer.digest());
        assertThat(used(team)).isZero();
    }

    @Test
    void the_live_figure_agrees_with_a_recalculation_after_mixed_pushes_mounts_and_deletes() throws Exception {
        String team = newProject(null);
        RepositoryName app = new RepositoryName(team + "/app");
        RepositoryName tool = new RepositoryName(team + "/team/tool");
        Blob base = randomBlob(7_000);
        Blob config = blob("{\"mixed\":1}");
        Blob extra = randomBlob(1_234);
        pushBlobInChunks(app, base, 2_000);
        pushBlob(app, config);
        pushManifest(app, "1", image(config).layer(base).bytes());
        blobs.mount(tool, base.digest(), app, name -> true);
        blobs.mount(tool, config.digest(), null, name -> true);
        pushBlob(tool, extra);
        var toolImage = pushManifest(tool, "1", image(config).layer(base).layer(extra).bytes());
        pushManifest(tool, "2", image(config).layer(base).annotation("n", "2").bytes());
        artifacts.deleteManifest(tool, Reference.parse("2"));
        artifacts.deleteManifest(tool, Reference.parse(toolImage.digest().toString()));
        blobs.unlink(app, config.digest());
        uploads.uploadMonolithic(app, extra.digest(), new ByteArrayInputStream(extra.bytes()), extra.size());

        QuotaService.Recalculation recalculation = quotas.recalculate(team);
        assertThat(recalculation.previousUsedBytes()).isEqualTo(recalculation.usage().usedBytes());
        assertThat(recalculation.usage().usedBytes()).isPositive();
    }

    @Test
    void concurrent_pushes_of_one_blob_into_repositories_of_one_project_count_it_once() throws Exception {
        for (int round = 0; round < ConcurrencyScenarios.ROUNDS; round++) {
            String team = newProject(null);
            Blob layer = randomBlob(20_000);

            var outcomes = ConcurrencyScenarios.atOnce(ConcurrencyScenarios.THREADS,
                    i -> () -> pushBlob(new RepositoryName(team + "/repo-" + i), layer));

            ConcurrencyScenarios.assertAllSucceededOrRefusedCleanly(outcomes);
            assertThat(outcomes).anyMatch(ConcurrencyScenarios.Outcome::succeeded);
            assertThat(used(team)).as("round %d", round).isEqualTo(layer.size()).isEqualTo(recalculated(team));
        }
    }

    @Test
    void concurrent_pushes_of_different_blobs_never_take_a_project_over_its_quota() throws Exception {
        for (int round = 0; round < ConcurrencyScenarios.ROUNDS; round++) {
            String team = newProject(25_000L);
            List<Blob> layers = new java.util.ArrayList<>();
            for (int i = 0; i < ConcurrencyScenarios.THREADS; i++) {
                layers.add(randomBlob(10_000));
            }

            var outcomes = ConcurrencyScenarios.atOnce(ConcurrencyScenarios.THREADS,
                    i -> () -> pushBlob(new RepositoryName(team + "/repo-" + (i % 2)), layers.get(i)));

            ConcurrencyScenarios.assertAllSucceededOrRefusedCleanly(outcomes);
            long succeeded = outcomes.stream().filter(ConcurrencyScenarios.Outcome::succeeded).count();
            assertThat(succeeded).as("round %d", round).isBetween(1L, 2L);
            assertThat(used(team)).isEqualTo(succeeded * 10_000).isEqualTo(recalculated(team));
        }
    }

    @Test
    void deleting_the_only_image_using_a_layer_while_another_image_using_it_is_pushed_leaves_a_consistent_figure()
            throws Exception {
        for (int round = 0; round < ConcurrencyScenarios.ROUNDS; round++) {
            // given image a using a layer, and image b using the same layer, not yet pushed
            String team = newProject(null);
            RepositoryName repo = new RepositoryName(team + "/app");
            Blob layer = randomBlob(9_000);
            Blob configA = blob("{\"race\":\"a\"}");
            Blob configB = blob("{\"race\":\"b\"}");
            for (Blob b : List.of(layer, configA, configB)) {
                pushBlob(repo, b);
            }
            var a = pushManifest(repo, "a", image(configA).layer(layer).bytes());
            byte[] imageB = image(configB).layer(layer).bytes();

            // when a is deleted while b is pushed
            var outcomes = ConcurrencyScenarios.atOnce(2, i -> () -> {
                if (i == 0) {
                    artifacts.deleteManifest(repo, Reference.parse(a.digest().toString()));
                } else {
                    pushManifest(repo, "b", imageB);
                }
                return null;
            });

            // then the delete went through; b either went in first (and keeps the layer linked) or was
            // refused for the missing layer; either way the live figure equals the recalculation
            ConcurrencyScenarios.assertAllSucceededOrRefusedCleanly(outcomes);
            assertThat(outcomes.get(0).succeeded()).isTrue();
            boolean bStored = outcomes.get(1).succeeded();
            assertThat(linkRows(repo, layer.digest())).as("round %d", round).isEqualTo(bStored ? 1 : 0);
            assertThat(used(team)).as("round %d", round).isEqualTo(recalculated(team));
        }
    }
}
