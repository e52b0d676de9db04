package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.TestImages;
import dev.registry.api.access.AccessFixture;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Project quotas over HTTP: a push over the quota is 403 {@code DENIED} with the figures and
 * leaves nothing, usage shows in the project views, a deleted artifact frees its share at once,
 * and the live figure agrees with a recalculation.
 */
class QuotaApiTest extends ManagementTestBase {

    private String projectWithQuota(Long quotaBytes) {
        String project = unique("quota");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + project + "\""
                + (quotaBytes == null ? "" : ",\"quotaBytes\":" + quotaBytes) + "}"), 201);
        return project;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private long used(String project) {
        return json(expect(admin.send("GET", "/api/v1/projects/" + project + "/usage"), 200)).get("usedBytes").asLong();
    }

    private static void assertDenied(HttpResponse<String> response, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        JsonNode error = json(response).get("errors").get(0);
        assertThat(error.get("code").asString()).isEqualTo("DENIED");
        assertThat(error.get("message").asString()).contains(message);
    }

    @Test
    void uploads_mounts_and_manifest_pushes_over_the_quota_are_403_DENIED_and_link_nothing() {
        // given a project with a 10 KiB quota holding 9,000 bytes, and a 3,000-byte blob elsewhere
        String project = projectWithQuota(10_240L);
        String repo = project + "/app";
        String otherRepo = projectWithQuota(null) + "/app";
        byte[] config = random(9_000, 1);
        String configDigest = admin.pushBlob(repo, config);
        byte[] layer = random(3_000, 2);
        String layerDigest = admin.pushBlob(otherRepo, layer);
        String denial = "project " + project + " would use 11.7 KiB of its 10 KiB quota";

        // when the layer is pushed monolithically, through an upload session, and mounted
        HttpResponse<String> monolithic = admin.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + layerDigest, layer,
                Map.of("Content-Type", "application/octet-stream"));
        String location = expect(admin.send("POST", "/v2/" + repo + "/blobs/uploads/"), 202).headers()
                .firstValue("Location").orElseThrow();
        HttpResponse<String> session = admin.send("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + layerDigest,
                layer, Map.of("Content-Type", "application/octet-stream"));
        HttpResponse<String> mount = admin.send("POST", "/v2/" + repo + "/blobs/uploads/?mount=" + layerDigest + "&from=" + otherRepo);
        // and a manifest that itself no longer fits (10,000 + its few hundred bytes > 10,240 once a 1,000-byte blob is in)
        admin.pushBlob(repo, random(1_000, 3));
        String manifest = TestImages.ociManifest(configDigest, config.length, configDigest, config.length);
        HttpResponse<String> manifestPush = admin.pushManifest(repo, "1", TestImages.OCI_MANIFEST, manifest);

        // then each is refused with the figures, and nothing of them is in the repository
        assertDenied(monolithic, denial);
        assertDenied(session, denial);
        assertDenied(mount, denial);
        assertDenied(manifestPush, "project " + project + " would use");
        assertThat(admin.send("HEAD", "/v2/" + repo + "/blobs/" + layerDigest).statusCode()).isEqualTo(404);
        assertThat(admin.send("GET", "/v2/" + repo + "/manifests/1").statusCode()).isEqualTo(404);
        assertThat(admin.send("GET", location).statusCode()).as("the refused session is closed").isEqualTo(404);
        assertThat(used(project)).isEqualTo(10_000);
    }

    @Test
    void usage_shows_in_the_project_views_counts_shared_layers_once_and_drops_at_once_when_an_artifact_goes() {
        // given two images in two repositories of the project sharing one 20,000-byte layer
        String project = projectWithQuota(1_000_000L);
        byte[] layer = random(20_000, 4);
        Pushed first = null;
        long manifests = 0;
        long configs = 0;
        for (String name : new String[] {"app", "tool"}) {
            String repo = project + "/" + name;
            byte[] config = ("{\"os\":\"linux\",\"image\":\"" + name + "\"}").getBytes();
            String configDigest = admin.pushBlob(repo, config);
            String layerDigest = admin.pushBlob(repo, layer);
            String manifest = TestImages.ociManifest(configDigest, config.length, layerDigest, layer.length);
            expect(admin.pushManifest(repo, "1", TestImages.OCI_MANIFEST, manifest), 201);
            manifests += manifest.length();
            configs += config.length;
            if (first == null) {
                first = new Pushed(RegistryClient.digest(manifest.getBytes()), manifest.length(), config.length, layer.length);
            }
        }
        long expected = layer.length + configs + manifests;

        // when the project is read, listed and its usage asked for
        JsonNode one = json(expect(admin.send("GET", "/api/v1/projects/" + project), 200));
        JsonNode listed = json(expect(admin.send("GET", "/api/v1/projects?q=" + project), 200)).get(0);
        JsonNode usage = json(expect(admin.send("GET", "/api/v1/projects/" + project + "/usage"), 200));

        // then each shows the quota and the usage with the shared layer counted once
        assertThat(one.get("usedBytes").asLong()).isEqualTo(expected);
        assertThat(one.get("quotaBytes").asLong()).isEqualTo(1_000_000L);
        assertThat(listed.get("usedBytes").asLong()).isEqualTo(expected);
        assertThat(usage.get("usedBytes").asLong()).isEqualTo(expected);
        assertThat(usage.get("quotaBytes").asLong()).isEqualTo(1_000_000L);

        // when the app image is deleted through the management API
        expect(admin.send("DELETE", "/api/v1/projects/" + project + "/repositories/" + project + "/app/artifacts/"
                + first.digest()), 204);

        // then its manifest and config are freed at once; the layer stays (tool still uses it)
        assertThat(used(project)).isEqualTo(expected - first.manifestSize() - first.configSize());

        // when the tool repository is deleted through the management API
        expect(admin.send("DELETE", "/api/v1/projects/" + project + "/repositories/" + project + "/tool"), 204);

        // then the project uses nothing, and a recalculation agrees
        assertThat(used(project)).isZero();
        JsonNode recalculated = json(expect(admin.send("POST", "/api/v1/projects/" + project + "/usage/recalculate"), 200));
        assertThat(recalculated.get("usedBytes").asLong()).isZero();
        assertThat(recalculated.get("previousUsedBytes").asLong()).isZero();
    }

    @Test
    void the_live_figure_agrees_with_a_recalculation_after_pushes_mounts_and_deletes_and_only_admins_recalculate() {
        // given a mixed sequence in the fixture's project
        AccessFixture fixture = fixture();
        String app = fixture.project + "/quota/app";
        String tool = fixture.project + "/quota/tool";
        Pushed a = pushImage(admin, app, "a", 5_000);
        Pushed b = pushImage(admin, app, "b", 7_000);
        byte[] extra = random(2_500, 5);
        String extraDigest = admin.pushBlob(tool, extra);
        HttpResponse<String> manifest = admin.send("GET", "/v2/" + app + "/manifests/b", null,
                Map.of("Accept", TestImages.OCI_MANIFEST));
        JsonNode parsed = json(manifest);
        String layerB = parsed.get("layers").get(0).get("digest").asString();
        expect(admin.send("POST", "/v2/" + tool + "/blobs/uploads/?mount=" + layerB + "&from=" + app), 201);
        expect(admin.send("DELETE", "/v2/" + app + "/manifests/" + a.digest()), 202);
        expect(admin.send("DELETE", "/v2/" + tool + "/blobs/" + extraDigest), 202);
        expect(admin.send("DELETE", "/v2/" + app + "/manifests/b"), 202); // a tag: frees nothing
        long live = used(fixture.project);

        // when a project admin and then a system admin recalculate
        int asProjectAdmin = fixture.basic(port, "project-admin")
                .send("POST", "/api/v1/projects/" + fixture.project + "/usage/recalculate").statusCode();
        JsonNode recalculated = json(expect(admin.send("POST", "/api/v1/projects/" + fixture.project + "/usage/recalculate"), 200));

        // then only the system admin may, and the figures agree
        assertThat(asProjectAdmin).isEqualTo(403);
        assertThat(recalculated.get("previousUsedBytes").asLong()).isEqualTo(live);
        assertThat(recalculated.get("usedBytes").asLong()).isEqualTo(live);
        assertThat(live).isGreaterThanOrEqualTo(b.size());
    }

    /** Issue 11, correctness item 9: a project at its quota refuses an upload at its start, before any byte. */
    @Test
    void an_upload_into_a_project_at_its_quota_is_refused_at_its_start() {
        // given a project whose 2,000-byte quota is used up
        String project = projectWithQuota(2_000L);
        String repo = project + "/app";
        admin.pushBlob(repo, random(2_000, 21));
        byte[] more = random(10, 22);

        // when an upload starts, and a monolithic upload is sent
        HttpResponse<String> start = admin.send("POST", "/v2/" + repo + "/blobs/uploads/");
        HttpResponse<String> monolithic = admin.send("POST", "/v2/" + repo + "/blobs/uploads/?digest="
                + RegistryClient.digest(more), more, Map.of("Content-Type", "application/octet-stream"));

        // then both are refused with the figures
        assertDenied(start, "project " + project + " uses ");
        assertDenied(start, " quota; delete artifacts or ask a system administrator to raise the quota");
        assertDenied(monolithic, "project " + project + " would use ");
        assertThat(used(project)).isEqualTo(2_000);
    }

    /** Issue 11, correctness item 9: the first chunk that would pass the quota is refused before its bytes are taken. */
    @Test
    void the_first_chunk_that_would_take_the_upload_past_the_quota_is_refused_and_not_appended() {
        // given an upload into a project with a 1,000-byte quota, holding 600 bytes
        String project = projectWithQuota(1_000L);
        String repo = project + "/app";
        String location = expect(admin.send("POST", "/v2/" + repo + "/blobs/uploads/"), 202).headers()
                .firstValue("Location").orElseThrow();
        byte[] blob = random(1_200, 23);
        expect(admin.send("PATCH", location, java.util.Arrays.copyOfRange(blob, 0, 600),
                Map.of("Content-Type", "application/octet-stream", "Content-Range", "0-599")), 202);

        // when the next 600 bytes come
        HttpResponse<String> refused = admin.send("PATCH", location, java.util.Arrays.copyOfRange(blob, 600, 1_200),
                Map.of("Content-Type", "application/octet-stream", "Content-Range", "600-1199"));

        // then the chunk is refused with the figures and the upload still holds 600 bytes
        assertDenied(refused, "project " + project + " would use ");
        assertThat(admin.send("GET", location).headers().firstValue("Range")).contains("0-599");
    }
}
