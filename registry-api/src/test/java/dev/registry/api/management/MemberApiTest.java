package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** /api/v1/projects/{project}/members: add, list, change role, remove. */
class MemberApiTest extends ManagementTestBase {

    String project;
    String username;

    @BeforeEach
    void projectAndUser() {
        project = unique("team");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + project + "\"}"), 201);
        username = unique("member");
        users.create(username, "Passw0rd-Member", null, null, false);
    }

    @Test
    void a_project_admin_adds_a_member_changes_their_role_and_removes_them() {
        String members = "/api/v1/projects/" + project + "/members";
        RegistryClient member = new RegistryClient(port, username, "Passw0rd-Member");

        // when the user is added as a limited guest, made a maintainer, then removed
        JsonNode added = json(expect(send(admin, "POST", members, "{\"username\":\"" + username + "\",\"role\":\"limited-guest\"}"), 201));
        JsonNode listed = json(expect(admin.send("GET", members), 200));
        int membersAsLimitedGuest = member.send("GET", members).statusCode();
        JsonNode changed = json(expect(send(admin, "PUT", members + "/" + username, "{\"role\":\"maintainer\"}"), 200));
        int membersAsMaintainer = member.send("GET", members).statusCode();
        expect(admin.send("DELETE", members + "/" + username), 204);
        JsonNode after = json(expect(admin.send("GET", members), 200));

        // then each step shows, with the role names of the wire, and each role took effect at once
        assertThat(added.get("role").asString()).isEqualTo("limited-guest");
        assertThat(listed.valueStream().map(m -> m.get("username").asString() + "=" + m.get("role").asString()))
                .contains(username + "=limited-guest", "admin=project-admin");
        assertThat(changed.get("role").asString()).isEqualTo("maintainer");
        assertThat(membersAsLimitedGuest).isEqualTo(403);
        assertThat(membersAsMaintainer).isEqualTo(200);
        assertThat(after.valueStream().map(m -> m.get("username").asString())).doesNotContain(username);
        assertProblem(member.send("GET", "/api/v1/projects/" + project), 404, null);
    }

    @Test
    void adding_a_member_twice_is_a_conflict_and_changing_a_non_member_is_not_found() {
        String members = "/api/v1/projects/" + project + "/members";
        expect(send(admin, "POST", members, "{\"username\":\"" + username + "\",\"role\":\"developer\"}"), 201);

        assertProblem(send(admin, "POST", members, "{\"username\":\"" + username + "\",\"role\":\"guest\"}"), 409, null);
        assertProblem(send(admin, "PUT", members + "/nobody-" + username, "{\"role\":\"guest\"}"), 404, null);
        assertProblem(admin.send("DELETE", members + "/nobody-" + username), 404, null);
    }

    @Test
    void an_unknown_role_or_user_is_a_400_naming_the_field() {
        String members = "/api/v1/projects/" + project + "/members";

        assertProblem(send(admin, "POST", members, "{\"username\":\"" + username + "\",\"role\":\"owner\"}"), 400, "role");
        assertProblem(send(admin, "POST", members, "{\"username\":\"ghost-" + username + "\",\"role\":\"guest\"}"), 400, "username");
        assertProblem(send(admin, "POST", members, "{\"role\":\"guest\"}"), 400, "username");
        assertProblem(send(admin, "PUT", members + "/" + username, "{}"), 400, "role");
    }

    @Test
    void the_last_project_admin_can_be_neither_removed_nor_demoted_issue_13_page_5() {
        String members = "/api/v1/projects/" + project + "/members";

        // the admin who created the project is its only project admin
        assertProblem(admin.send("DELETE", members + "/admin"), 409, null);
        assertProblem(send(admin, "PUT", members + "/admin", "{\"role\":\"maintainer\"}"), 409, null);

        // once another member is project admin, the first may go
        expect(send(admin, "POST", members, "{\"username\":\"" + username + "\",\"role\":\"project-admin\"}"), 201);
        expect(admin.send("DELETE", members + "/admin"), 204);
        assertProblem(send(admin, "PUT", members + "/" + username, "{\"role\":\"guest\"}"), 409, null);
        JsonNode after = json(expect(admin.send("GET", members), 200));
        assertThat(after.valueStream().map(m -> m.get("username").asString() + "=" + m.get("role").asString()))
                .containsExactly(username + "=project-admin");
    }
}
