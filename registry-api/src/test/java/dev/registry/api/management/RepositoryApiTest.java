package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

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
