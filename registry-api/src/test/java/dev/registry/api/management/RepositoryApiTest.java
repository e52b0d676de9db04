package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.TestImages;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** /api/v1/projects/{project}/repositories: repositories, their artifacts, and deleting either. */
class RepositoryApiTest extends ManagementTestBase {

    String project;
    String base;

    @BeforeEach
    void project() {
        project = unique("repos");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + project + "\"}"), 201);
        base = "/api/v1/projects/" + project + "/repositories";
    }

    @Test
    void repositories_are_listed_by_name_with_artifact_count_size_and_last_push() {
        // given two images in team/app and one in lib
        Pushed first = pushImage(admin, project + "/team/app", "v1", 300);
        Pushed second = pushImage(admin, project + "/team/app", "v2", 500);
        Pushed lib = pushImage(admin, project + "/lib", "1.0", 200);

        // when the project's repositories are listed
        HttpResponse<String> response = expect(admin.send("GET", base), 200);

        // then each shows its artifacts and the bytes of its manifests and blobs
        JsonNode repositories = json(response);
        assertThat(response.headers().firstValue("X-Total-Count")).contains("2");
        assertThat(repositories.valueStream().map(r -> r.get("name").asString())).containsExactly(project + "/lib", project + "/team/app");
        JsonNode app = repositories.get(1);
        assertThat(app.get("artifactCount").asLong()).isEqualTo(2);
        assertThat(app.get("size").asLong()).isEqualTo(first.size() + second.size());
        assertThat(app.get("lastPushedAt").asString()).isNotBlank();
        assertThat(repositories.get(0).get("size").asLong()).isEqualTo(lib.size());
    }

    @Test
    void artifacts_are_listed_newest_first_with_their_size_and_tags_in_pages() {
        // given an image tagged v1, and a newer one tagged v2 and latest
        Pushed older = pushImage(admin, project + "/app", "v1", 100);
        Pushed newer = pushImage(admin, project + "/app", "v2", 200);
        admin.pushManifest(project + "/app", "latest", TestImages.OCI_MANIFEST,
                admin.send("GET", "/v2/" + project + "/app/manifests/v2").body());

        // when they are listed one per page
        HttpResponse<String> page1 = expect(admin.send("GET", base + "/" + project + "/app/artifacts?page_size=1"), 200);
        HttpResponse<String> page2 = expect(admin.send("GET", base + "/" + project + "/app/artifacts?page_size=1&page=2"), 200);

        // then the newer comes first with both tags, the older next, and the first page links the second
        JsonNode n = json(page1).get(0);
        assertThat(n.get("digest").asString()).isEqualTo(newer.digest());
        assertThat(n.get("mediaType").asString()).isEqualTo(TestImages.OCI_MANIFEST);
        assertThat(n.get("size").asLong()).isEqualTo(newer.size());
        assertThat(n.get("tags").valueStream().map(JsonNode::asString)).containsExactly("latest", "v2");
        assertThat(n.get("pushedAt").asString()).isNotBlank();
        assertThat(page1.headers().firstValue("X-Total-Count")).contains("2");
        assertThat(page1.headers().firstValue("Link")).hasValueSatisfying(link -> assertThat(link).contains("page=2").endsWith("rel=\"next\""));
        assertThat(json(page2).get(0).get("digest").asString()).isEqualTo(older.digest());
        assertThat(json(page2).get(0).get("tags").valueStream().map(JsonNode::asString)).containsExactly("v1");
        assertThat(page2.headers().firstValue("Link")).isEmpty();
    }

    @Test
    void deleting_an_artifact_removes_it_and_its_tags_from_the_registry() {
        Pushed doomed = pushImage(admin, project + "/app", "gone", 100);
        Pushed kept = pushImage(admin, project + "/app", "kept", 100);

        expect(admin.send("DELETE", base + "/" + project + "/app/artifacts/" + doomed.digest()), 204);

        assertThat(admin.send("GET", "/v2/" + project + "/app/manifests/" + doomed.digest()).statusCode()).isEqualTo(404);
        assertThat(admin.send("GET", "/v2/" + project + "/app/manifests/gone").statusCode()).isEqualTo(404);
        assertThat(json(expect(admin.send("GET", base + "/" + project + "/app/artifacts"), 200)).valueStream()
                .map(a -> a.get("digest").asString())).containsExactly(kept.digest());
        assertProblem(admin.send("DELETE", base + "/" + project + "/app/artifacts/" + doomed.digest()), 404, null);
    }

    /** An index of two images (linux/amd64 and linux/arm64/v8) tagged {@code multi}; answers its digest. */
    private String pushIndex(String repository, Pushed amd64, Pushed arm64) {
        String index = """
                {"schemaVersion":2,"mediaType":"%s","manifests":[\
                {"mediaType":"%s","digest":"%s","size":%d,"platform":{"architecture":"amd64","os":"linux"}},\
                {"mediaType":"%s","digest":"%s","size":%d,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}"""
                .formatted(TestImages.OCI_INDEX, TestImages.OCI_MANIFEST, amd64.digest(), amd64.manifestSize(),
                        TestImages.OCI_MANIFEST, arm64.digest(), arm64.manifestSize());
        expect(admin.pushManifest(repository, "multi", TestImages.OCI_INDEX, index), 201);
        return RegistryClient.digest(index.getBytes());
    }

    /** Pushes the two images of an index by digest only (untagged), as buildx does. */
    private Pushed pushUntagged(String repository, int layerSize) {
        Pushed image = pushImage(admin, repository, "tmp-" + layerSize, layerSize);
        expect(admin.send("DELETE", "/v2/" + repository + "/manifests/tmp-" + layerSize), 202);
        return image;
    }

    @Test
    void one_artifact_is_read_by_digest_with_tags_size_types_and_for_an_index_its_childrens_platforms() {
        // issue 11, correctness 7: GET …/artifacts/<digest> was documented but answered 404
        String repository = project + "/multi";
        Pushed amd64 = pushUntagged(repository, 110);
        Pushed arm64 = pushUntagged(repository, 120);
        String index = pushIndex(repository, amd64, arm64);
        String artifacts = base + "/" + repository + "/artifacts/";

        JsonNode one = json(expect(admin.send("GET", artifacts + index), 200));
        JsonNode image = json(expect(admin.send("GET", artifacts + amd64.digest()), 200));

        assertThat(one.get("digest").asString()).isEqualTo(index);
        assertThat(one.get("mediaType").asString()).isEqualTo(TestImages.OCI_INDEX);
        assertThat(one.get("tags").valueStream().map(JsonNode::asString)).containsExactly("multi");
        assertThat(one.get("size").asLong()).isPositive();
        JsonNode references = one.get("references");
        assertThat(references.valueStream().map(r -> r.get("digest").asString())).containsExactly(amd64.digest(), arm64.digest());
        assertThat(references.get(0).get("platform").get("os").asString()).isEqualTo("linux");
        assertThat(references.get(0).get("platform").get("architecture").asString()).isEqualTo("amd64");
        assertThat(references.get(1).get("platform").get("architecture").asString()).isEqualTo("arm64");
        assertThat(references.get(1).get("platform").get("variant").asString()).isEqualTo("v8");
        assertThat(references.get(1).get("size").asLong()).isEqualTo(arm64.size());
        assertThat(image.get("artifactType").asString()).isEqualTo(TestImages.OCI_CONFIG);
        assertThat(image.get("size").asLong()).isEqualTo(amd64.size());
        assertThat(image.get("tags").size()).isZero();
        assertProblem(admin.send("GET", artifacts + "sha256:" + "0".repeat(64)), 404, null);
    }

    @Test
    void the_children_of_an_index_are_listed_under_it_not_beside_it() {
        // issue 11, correctness 7: index children appeared as separate untagged artifacts
        String repository = project + "/nested";
        Pushed amd64 = pushUntagged(repository, 130);
        Pushed arm64 = pushUntagged(repository, 140);
        String index = pushIndex(repository, amd64, arm64);
        Pushed single = pushImage(admin, repository, "single", 150);

        HttpResponse<String> listed = expect(admin.send("GET", base + "/" + repository + "/artifacts"), 200);

        assertThat(json(listed).valueStream().map(a -> a.get("digest").asString())).containsExactly(single.digest(), index);
        assertThat(listed.headers().firstValue("X-Total-Count")).contains("2");
        JsonNode entry = json(listed).get(1);
        assertThat(entry.get("references").valueStream().map(r -> r.get("platform").get("architecture").asString()))
                .containsExactly("amd64", "arm64");
        assertThat(json(listed).get(0).get("references").size()).isZero();
        // pages skip the children too: the second page of one is the index, the third is empty (the children, pushed
        // before it, are not artifacts to page through)
        HttpResponse<String> second = expect(admin.send("GET", base + "/" + repository + "/artifacts?page=2&page_size=1"), 200);
        assertThat(json(second).valueStream().map(a -> a.get("digest").asString())).containsExactly(index);
        assertThat(second.headers().firstValue("X-Total-Count")).contains("2");
        assertThat(json(expect(admin.send("GET", base + "/" + repository + "/artifacts?page=3&page_size=1"), 200)).size()).isZero();
        JsonNode summary = json(expect(admin.send("GET", base), 200)).valueStream()
                .filter(r -> r.get("name").asString().equals(repository)).findFirst().orElseThrow();
        assertThat(summary.get("artifactCount").asLong()).isEqualTo(2);
    }

    @Test
    void a_docker_v2_image_has_its_config_media_type_as_artifact_type_like_an_oci_image() {
        // issue 11, correctness 7: artifactType was null for Docker v2 manifests but set for OCI images
        String repository = project + "/docker";
        String dockerConfig = "application/vnd.docker.container.image.v1+json";
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes();
        byte[] layer = "docker layer".getBytes();
        String manifest = """
                {"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","digest":"%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"%s","size":%d}]}"""
                .formatted(TestImages.DOCKER_MANIFEST, dockerConfig, admin.pushBlob(repository, config), config.length,
                        admin.pushBlob(repository, layer), layer.length);
        expect(admin.pushManifest(repository, "v1", TestImages.DOCKER_MANIFEST, manifest), 201);
        String digest = RegistryClient.digest(manifest.getBytes());

        JsonNode listed = json(expect(admin.send("GET", base + "/" + repository + "/artifacts"), 200)).get(0);
        JsonNode one = json(expect(admin.send("GET", base + "/" + repository + "/artifacts/" + digest), 200));

        assertThat(listed.get("artifactType").asString()).isEqualTo(dockerConfig);
        assertThat(one.get("artifactType").asString()).isEqualTo(dockerConfig);

        // and a Docker image stored before the type was kept for it (no artifact_type) reads the same from its manifest
        jdbc.update("UPDATE manifest SET artifact_type = NULL WHERE digest = ?", digest);
        assertThat(json(expect(admin.send("GET", base + "/" + repository + "/artifacts"), 200)).get(0).get("artifactType").asString())
                .isEqualTo(dockerConfig);
        assertThat(json(expect(admin.send("GET", base + "/" + repository + "/artifacts/v1"), 200)).get("artifactType").asString())
                .isEqualTo(dockerConfig);
    }

    @Test
    void deleting_an_artifact_by_tag_deletes_the_artifact_the_tag_points_at() {
        // issue 11, correctness 7: DELETE …/artifacts/<tag> said the repository was unknown
        Pushed doomed = pushImage(admin, project + "/app", "v1", 100);
        expect(admin.pushManifest(project + "/app", "also", TestImages.OCI_MANIFEST,
                admin.send("GET", "/v2/" + project + "/app/manifests/v1").body()), 201);
        Pushed kept = pushImage(admin, project + "/app", "v2", 100);

        expect(admin.send("DELETE", base + "/" + project + "/app/artifacts/v1"), 204);

        assertThat(admin.send("GET", "/v2/" + project + "/app/manifests/" + doomed.digest()).statusCode()).isEqualTo(404);
        assertThat(admin.send("GET", "/v2/" + project + "/app/manifests/also").statusCode()).isEqualTo(404);
        assertThat(json(expect(admin.send("GET", base + "/" + project + "/app/artifacts"), 200)).valueStream()
                .map(a -> a.get("digest").asString())).containsExactly(kept.digest());
        assertProblem(admin.send("DELETE", base + "/" + project + "/app/artifacts/v1"), 404, null);
        assertProblem(admin.send("DELETE", base + "/" + project + "/app/artifacts/-bad-"), 400, "reference");
    }

    @Test
    void deleting_a_repository_removes_everything_in_it() {
        pushImage(admin, project + "/team/app", "v1", 100);
        pushImage(admin, project + "/team/app", "v2", 100);

        expect(admin.send("DELETE", base + "/" + project + "/team/app"), 204);

        assertThat(admin.send("GET", "/v2/" + project + "/team/app/tags/list").statusCode()).isEqualTo(404);
        assertThat(json(expect(admin.send("GET", base), 200)).size()).isZero();
        assertProblem(admin.send("GET", base + "/" + project + "/team/app/artifacts"), 404, null);
    }

    @Test
    void a_repository_of_another_project_is_not_found_through_this_one() {
        String other = unique("others");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + other + "\"}"), 201);
        Pushed theirs = pushImage(admin, other + "/app", "v1", 100);

        assertProblem(admin.send("GET", base + "/" + other + "/app/artifacts"), 404, null);
        assertProblem(admin.send("DELETE", base + "/" + other + "/app/artifacts/" + theirs.digest()), 404, null);
        assertProblem(admin.send("DELETE", base + "/" + other + "/app"), 404, null);
        assertThat(admin.send("GET", "/v2/" + other + "/app/manifests/v1").statusCode()).isEqualTo(200);
    }

    @Test
    void a_malformed_repository_name_or_digest_is_a_400_naming_it() {
        assertProblem(admin.send("GET", base + "/" + project + "/UPPER/artifacts"), 400, "repository");
        assertProblem(admin.send("DELETE", base + "/" + project + "/app/artifacts/sha256:nothex"), 400, "digest");
        assertProblem(admin.send("GET", base + "/" + project + "/app"), 404, null);
    }

    @Test
    void an_upload_started_and_left_creates_no_repository_and_does_not_keep_the_project_from_being_deleted() {
        // issue 11, correctness 1: a bare POST /v2/<project>/abandoned/blobs/uploads/ made a phantom repository
        expect(admin.send("POST", "/v2/" + project + "/abandoned/blobs/uploads/", null, java.util.Map.of()), 202);
        admin.pushBlob(project + "/blob-only", "bytes with no manifest".getBytes());

        HttpResponse<String> listed = expect(admin.send("GET", base), 200);
        assertThat(json(listed)).isEmpty();
        assertThat(listed.headers().firstValue("X-Total-Count")).contains("0");
        expect(admin.send("GET", base + "/" + project + "/abandoned/artifacts"), 404);

        expect(admin.send("DELETE", "/api/v1/projects/" + project), 204);
    }

    @Test
    void a_one_component_name_addresses_its_library_repository() {
        // issue 11, correctness 2: alpine is library/alpine, on /api/v1 as on /v2
        String shortName = unique("short");
        Pushed pushed = pushImage(admin, shortName, "3", 100);

        JsonNode viaShort = json(expect(admin.send("GET", "/api/v1/projects/library/repositories/" + shortName + "/artifacts"), 200));
        JsonNode viaLong = json(expect(admin.send("GET", "/api/v1/projects/library/repositories/library/" + shortName + "/artifacts"), 200));

        assertThat(viaShort.get(0).get("digest").asString()).isEqualTo(pushed.digest());
        assertThat(viaLong).isEqualTo(viaShort);
        assertThat(json(expect(admin.send("GET", "/api/v1/projects/library/repositories?page_size=100"), 200)).valueStream()
                .map(r -> r.get("name").asString()).filter(name -> name.endsWith(shortName))).containsExactly("library/" + shortName);
    }
}
