package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.access.AccessFixture;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The audit log as /api/v1/projects/{project}/audit and /api/v1/audit show it. */
class AuditApiTest extends ManagementTestBase {

    AccessFixture fixture;
    String log;

    @BeforeEach
    void fixtureProject() {
        fixture = fixture();
        log = "/api/v1/projects/" + fixture.project + "/audit";
    }

    @Test
    void a_push_three_pulls_and_a_delete_are_in_the_project_log_with_who_and_from_where() {
        // given a developer pushes an image, a guest pulls it three times (and checks it once with HEAD)
        String repository = fixture.project + "/audited";
        Pushed image = pushImage(fixture.basic(port, "developer"), repository, "v1", 100);
        RegistryClient guest = fixture.basic(port, "guest");
        for (int i = 0; i < 3; i++) {
            expect(guest.send("GET", "/v2/" + repository + "/manifests/v1"), 200);
        }
        expect(guest.send("HEAD", "/v2/" + repository + "/manifests/v1"), 200);
        guest.send("GET", "/v2/" + repository + "/blobs/" + image.digest()); // blobs are not pulls

        // when the admin deletes it through the API and the log is written
        expect(admin.send("DELETE", "/api/v1/projects/" + fixture.project + "/repositories/" + repository + "/artifacts/"
                + image.digest()), 204);
        audit.flush();
        List<JsonNode> rows = json(expect(fixture.basic(port, "guest").send("GET", log), 200)).valueStream().toList();

        // then the push, one pull row counting three, and the delete are there, newest first
        JsonNode push = only(rows, "push");
        assertThat(push.get("actor").asString()).isEqualTo(fixture.credentials("developer").split(":")[0]);
        assertThat(push.get("actorKind").asString()).isEqualTo("user");
        assertThat(push.get("resource").asString()).isEqualTo(repository + ":v1");
        assertThat(push.get("clientAddress").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        JsonNode pull = only(rows, "pull");
        assertThat(pull.get("actor").asString()).isEqualTo(fixture.credentials("guest").split(":")[0]);
        assertThat(pull.get("resource").asString()).isEqualTo(repository);
        assertThat(pull.get("count").asLong()).isEqualTo(3);
        JsonNode delete = only(rows, "delete");
        assertThat(delete.get("actor").asString()).isEqualTo("admin");
        assertThat(delete.get("resource").asString()).isEqualTo(repository + "@" + image.digest());
        assertThat(rows.indexOf(delete)).isLessThan(rows.indexOf(push));
    }

    @Test
    void member_changes_are_in_the_log() {
        String username = unique("joiner");
        users.create(username, "Passw0rd-Joiner", null, null, false);
        String members = "/api/v1/projects/" + fixture.project + "/members";

        expect(send(fixture.basic(port, "project-admin"), "POST", members, "{\"username\":\"" + username + "\",\"role\":\"guest\"}"), 201);
        expect(send(admin, "PUT", members + "/" + username, "{\"role\":\"developer\"}"), 200);
        expect(admin.send("DELETE", members + "/" + username), 204);
        audit.flush();

        List<String> entries = json(expect(admin.send("GET", log), 200)).valueStream()
                .filter(e -> e.get("resource").asString().equals("member:" + username))
                .map(e -> e.get("actor").asString() + " " + e.get("operation").asString() + " " + e.get("detail").asString(""))
                .toList();
        assertThat(entries).containsExactly("admin removed ", "admin role-changed developer",
                fixture.credentials("project-admin").split(":")[0] + " added guest");
    }

    @Test
    void a_project_created_by_a_push_names_the_pusher() {
        // given create-on-push (on in the test context) and a project that does not exist
        String project = unique("pushed");

        // when the admin pushes into it
        pushImage(admin, project + "/app", "v1", 10);
        audit.flush();

        // then its log starts with its creation by the admin, then the push
        List<String> entries = json(expect(admin.send("GET", "/api/v1/projects/" + project + "/audit"), 200)).valueStream()
                .map(e -> e.get("actor").asString() + " " + e.get("operation").asString() + " " + e.get("resource").asString())
                .toList();
        assertThat(entries).containsExactly("admin push " + project + "/app:v1", "admin create " + project);
    }

    @Test
    void the_log_is_read_in_pages_within_a_time_window() {
        // given three updates of the project
        for (boolean flag : new boolean[] {true, false, true}) {
            expect(send(admin, "PATCH", "/api/v1/projects/" + fixture.project, "{\"public\":" + flag + "}"), 200);
        }
        audit.flush();
        String now = Instant.now().plus(1, ChronoUnit.MINUTES).toString();

        // when the log is read two at a time, and for a window in the future
        HttpResponse<String> first = expect(admin.send("GET", log + "?page_size=2"), 200);
        HttpResponse<String> future = expect(admin.send("GET", log + "?from=" + now), 200);
        HttpResponse<String> past = expect(admin.send("GET", log + "?to=2000-01-01T00:00:00Z"), 200);

        // then pages are linked, and the windows hold nothing
        assertThat(json(first).size()).isEqualTo(2);
        assertThat(json(first).get(0).get("operation").asString()).isEqualTo("update");
        assertThat(json(first).get(0).get("detail").asString()).isEqualTo("public=true");
        assertThat(Long.parseLong(first.headers().firstValue("X-Total-Count").orElseThrow())).isGreaterThanOrEqualTo(3);
        assertThat(first.headers().firstValue("Link")).isPresent();
        assertThat(json(future).size()).isZero();
        assertThat(json(past).size()).isZero();
        assertProblem(admin.send("GET", log + "?from=yesterday"), 400, "from");
    }

    @Test
    void the_whole_log_is_for_system_admins_and_filters_by_project() {
        expect(send(admin, "PATCH", "/api/v1/projects/" + fixture.otherProject, "{\"public\":false}"), 200);
        audit.flush();

        JsonNode filtered = json(expect(admin.send("GET", "/api/v1/audit?project=" + fixture.otherProject), 200));

        assertThat(filtered.valueStream().map(e -> e.get("project").asString())).isNotEmpty().containsOnly(fixture.otherProject);
        JsonNode updates = json(expect(admin.send("GET", "/api/v1/audit?project=" + fixture.otherProject
                + "&operation=update&resource=" + fixture.otherProject), 200));
        assertThat(updates.valueStream().map(e -> e.get("operation").asString())).isNotEmpty().containsOnly("update");
        assertThat(json(expect(admin.send("GET", "/api/v1/audit?project=" + fixture.otherProject + "&operation=push"), 200))
                .size()).isZero();
        assertThat(json(expect(admin.send("GET", log + "?operation=update&resource=%25"), 200)).size()).isZero();
        assertProblem(fixture.basic(port, "project-admin").send("GET", "/api/v1/audit"), 403, null);
        assertProblem(RegistryClient.anonymous(port).send("GET", "/api/v1/audit"), 401, null);
    }

    private static JsonNode only(List<JsonNode> rows, String operation) {
        List<JsonNode> found = rows.stream().filter(r -> r.get("operation").asString().equals(operation)).toList();
        assertThat(found).as("%s rows in %s", operation, rows).hasSize(1);
        return found.get(0);
    }
}
