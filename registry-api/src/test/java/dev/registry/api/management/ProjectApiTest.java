package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.core.project.Role;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** /api/v1/projects: create, get, list with search and paging, settings, delete when empty. */
class ProjectApiTest extends ManagementTestBase {

    @Test
    void a_signed_in_user_creates_a_private_project_and_administers_it() {
        // given a user who is no system admin
        String username = unique("creator");
        users.create(username, "Passw0rd-Creator", null, null, false);
        RegistryClient user = new RegistryClient(port, username, "Passw0rd-Creator");
        String name = unique("made");

        // when the user creates a project
        HttpResponse<String> created = expect(send(user, "POST", "/api/v1/projects", "{\"name\":\"" + name + "\"}"), 201);

        // then it is private, created by the user, who is its project admin and may change it
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/projects/" + name);
        JsonNode project = json(created);
        assertThat(project.get("name").asString()).isEqualTo(name);
        assertThat(project.get("public").asBoolean()).isFalse();
        assertThat(project.get("createdBy").asString()).isEqualTo(username);
        JsonNode members = json(expect(user.send("GET", "/api/v1/projects/" + name + "/members"), 200));
        assertThat(members.get(0).get("username").asString()).isEqualTo(username);
        assertThat(members.get(0).get("role").asString()).isEqualTo("project-admin");
        JsonNode changed = json(expect(send(user, "PATCH", "/api/v1/projects/" + name, "{\"public\":true}"), 200));
        assertThat(changed.get("public").asBoolean()).isTrue();
        assertThat(json(expect(RegistryClient.anonymous(port).send("GET", "/api/v1/projects/" + name), 200))
                .get("name").asString()).isEqualTo(name);
    }

    @Test
    void a_taken_name_is_a_conflict_and_a_malformed_one_a_400_naming_the_field() {
        String name = unique("taken");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + name + "\"}"), 201);

        assertProblem(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + name + "\"}"), 409, null);
        assertProblem(send(admin, "POST", "/api/v1/projects", "{\"name\":\"Not A Name!\"}"), 400, "name");
        assertProblem(send(admin, "POST", "/api/v1/projects", "{\"public\":true}"), 400, "name");
        assertProblem(send(admin, "POST", "/api/v1/projects", "{\"name\":\"x\",\"quotaBytes\":-5}"), 400, "quotaBytes");
        assertProblem(send(admin, "POST", "/api/v1/projects", "{\"name\":\"x\",\"public\":\"perhaps\"}"), 400, "public");
        assertProblem(send(admin, "POST", "/api/v1/projects", "not json"), 400, null);
    }

    @Test
    void only_a_system_admin_sets_or_removes_a_quota() {
        // given a user administering a project of their own
        String username = unique("quota");
        users.create(username, "Passw0rd-Quota", null, null, false);
        RegistryClient user = new RegistryClient(port, username, "Passw0rd-Quota");
        String name = unique("quota");
        expect(send(user, "POST", "/api/v1/projects", "{\"name\":\"" + name + "\"}"), 201);

        // when the user asks for quotas, and then the admin
        assertProblem(send(user, "POST", "/api/v1/projects", "{\"name\":\"" + unique("q") + "\",\"quotaBytes\":1000}"), 403, null);
        assertProblem(send(user, "PATCH", "/api/v1/projects/" + name, "{\"quotaBytes\":1000}"), 403, null);
        JsonNode set = json(expect(send(admin, "PATCH", "/api/v1/projects/" + name, "{\"quotaBytes\":1000}"), 200));
        JsonNode removed = json(expect(send(admin, "PATCH", "/api/v1/projects/" + name, "{\"quotaBytes\":-1}"), 200));

        // then only the admin's changes held
        assertThat(set.get("quotaBytes").asLong()).isEqualTo(1000);
        assertThat(removed.get("quotaBytes").isNull()).isTrue();
    }

    @Test
    void a_caller_lists_public_projects_and_their_own_by_name_in_pages() {
        // given three projects sharing a stem: one public, one private with the user as guest, one private without
        String stem = unique("list");
        String username = unique("lister");
        long userId = users.create(username, "Passw0rd-Lister", null, null, false).id();
        for (String suffix : new String[] {"a-public", "b-mine", "c-other"}) {
            expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + stem + suffix + "\",\"public\":"
                    + suffix.endsWith("public") + "}"), 201);
        }
        projects.setMember(projects.require(stem + "b-mine").id(), userId, Role.GUEST);
        RegistryClient user = new RegistryClient(port, username, "Passw0rd-Lister");

        // when the user and the admin search for the stem, two at a time
        HttpResponse<String> mine = expect(user.send("GET", "/api/v1/projects?q=" + stem), 200);
        HttpResponse<String> first = expect(admin.send("GET", "/api/v1/projects?q=" + stem + "&page_size=2"), 200);
        HttpResponse<String> second = expect(admin.send("GET", "/api/v1/projects?q=" + stem + "&page_size=2&page=2"), 200);

        // then the user sees the public and their own; the admin all three, the next page linked
        assertThat(json(mine).valueStream().map(p -> p.get("name").asString())).containsExactly(stem + "a-public", stem + "b-mine");
        assertThat(mine.headers().firstValue("X-Total-Count")).contains("2");
        assertThat(mine.headers().firstValue("Link")).isEmpty();
        assertThat(json(first).valueStream().map(p -> p.get("name").asString())).containsExactly(stem + "a-public", stem + "b-mine");
        assertThat(first.headers().firstValue("X-Total-Count")).contains("3");
        assertThat(first.headers().firstValue("Link")).hasValueSatisfying(link -> assertThat(link)
                .startsWith("<http://localhost:" + port + "/api/v1/projects?").contains("page=2").contains("page_size=2")
                .contains("q=" + stem).endsWith(">; rel=\"next\""));
        assertThat(json(second).valueStream().map(p -> p.get("name").asString())).containsExactly(stem + "c-other");
        assertThat(second.headers().firstValue("Link")).isEmpty();
    }

    @Test
    void the_name_filter_takes_underscore_and_percent_literally_and_ignores_case() {
        // given projects whose names differ only where an _ wildcard would match anything
        String stem = unique("lit");
        for (String name : new String[] {stem + "-dash", stem + "_under"}) {
            expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + name + "\"}"), 201);
        }

        // when the admin filters by the stem followed by _, by a %, and by the stem in upper case
        HttpResponse<String> underscore = expect(admin.send("GET", "/api/v1/projects?q=" + stem + "_"), 200);
        HttpResponse<String> percent = expect(admin.send("GET", "/api/v1/projects?q=" + stem + "%25"), 200);
        HttpResponse<String> upper = expect(admin.send("GET", "/api/v1/projects?q=" + stem.toUpperCase()), 200);

        // then _ finds only the name holding one, % nothing, and case does not matter
        assertThat(json(underscore).valueStream().map(p -> p.get("name").asString())).containsExactly(stem + "_under");
        assertThat(json(percent).size()).isZero();
        assertThat(json(upper).valueStream().map(p -> p.get("name").asString())).containsExactly(stem + "-dash", stem + "_under");
    }

    @Test
    void paging_parameters_out_of_range_are_a_400_naming_them() {
        assertProblem(admin.send("GET", "/api/v1/projects?page=0"), 400, "page");
        assertProblem(admin.send("GET", "/api/v1/projects?page_size=101"), 400, "page_size");
        assertProblem(admin.send("GET", "/api/v1/projects?page_size=0"), 400, "page_size");
        assertProblem(admin.send("GET", "/api/v1/projects?page=two"), 400, "page");
    }

    @Test
    void a_project_is_deleted_only_once_it_holds_no_repository() {
        // given a project with an image
        String name = unique("del");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + name + "\"}"), 201);
        pushImage(admin, name + "/app", "v1", 100);

        // when it is deleted, then its repository, then it again
        JsonNode refused = assertProblem(admin.send("DELETE", "/api/v1/projects/" + name), 409, null);
        expect(admin.send("DELETE", "/api/v1/projects/" + name + "/repositories/" + name + "/app"), 204);
        expect(admin.send("DELETE", "/api/v1/projects/" + name), 204);

        // then the first attempt said why, and the project is gone
        assertThat(refused.get("detail").asString()).contains("repositories");
        assertThat(refused.get("code").asString()).isEqualTo("CONFLICT");
        assertProblem(admin.send("GET", "/api/v1/projects/" + name), 404, null);
    }

    @Test
    void a_private_project_of_others_looks_like_one_that_does_not_exist() {
        // given a private project and a user who is no member
        String name = unique("hidden");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + name + "\"}"), 201);
        String username = unique("nosy");
        users.create(username, "Passw0rd-Nosy", null, null, false);
        RegistryClient user = new RegistryClient(port, username, "Passw0rd-Nosy");

        // when the user asks for it and for one that does not exist, and an anonymous caller does too
        JsonNode hidden = assertProblem(user.send("GET", "/api/v1/projects/" + name), 404, null);
        JsonNode missing = assertProblem(user.send("GET", "/api/v1/projects/" + name + "-missing"), 404, null);
        HttpResponse<String> anonymous = RegistryClient.anonymous(port).send("GET", "/api/v1/projects/" + name);

        // then both answers say the same, and the anonymous caller is asked to sign in
        assertThat(hidden.get("code").asString()).isEqualTo(missing.get("code").asString()).isEqualTo("NAME_UNKNOWN");
        assertProblem(anonymous, 401, null);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"registry\"");
    }

    // issue 11, security 7: the wording must not tell a signed-in outsider that a private project exists
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"GET,''", "GET,/usage", "GET,/repositories", "GET,/members", "GET,/robots",
            "GET,/retention", "GET,/repositories/app/artifacts", "PATCH,''", "DELETE,''", "POST,/robots"})
    void an_outsider_gets_byte_identical_answers_for_a_private_project_and_a_missing_one(String method, String path) {
        // given a private project and a missing one whose name has the same length, and a user who is no member
        String name = unique("secret");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + name + "\"}"), 201);
        String missing = "x" + name.substring(1);
        String username = unique("outsider");
        users.create(username, "Passw0rd-Out1", null, null, false);
        RegistryClient outsider = new RegistryClient(port, username, "Passw0rd-Out1");
        String body = switch (method) {
            case "POST" -> "{\"name\":\"ci\",\"permissions\":[\"pull\"]}";
            case "PATCH" -> "{\"public\":true}";
            default -> null;
        };

        // when the outsider asks about both
        HttpResponse<String> hidden = send(outsider, method, "/api/v1/projects/" + name + path, body);
        HttpResponse<String> absent = send(outsider, method, "/api/v1/projects/" + missing + path, body);

        // then the answers are the same but for the name
        assertProblem(hidden, 404, null);
        assertThat(absent.statusCode()).isEqualTo(404);
        assertThat(absent.body().replace(missing, "N")).isEqualTo(hidden.body().replace(name, "N"));
    }
}
