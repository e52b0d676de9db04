package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** /api/v1/users (system admins) and /api/v1/users/current (everyone signed in). */
class UserApiTest extends ManagementTestBase {

    @Test
    void a_system_admin_creates_finds_updates_and_deletes_a_user() {
        String username = unique("ann");

        // when the admin creates the user, finds them, changes them and deletes them
        HttpResponse<String> created = expect(send(admin, "POST", "/api/v1/users", "{\"username\":\"" + username
                + "\",\"password\":\"Passw0rd-Ann\",\"email\":\"ann@example.com\",\"fullName\":\"Ann Example\"}"), 201);
        long id = json(created).get("id").asLong();
        JsonNode found = json(expect(admin.send("GET", "/api/v1/users?q=" + username), 200));
        JsonNode updated = json(expect(send(admin, "PATCH", "/api/v1/users/" + id, "{\"fullName\":\"Ann Other\",\"systemAdmin\":true}"), 200));
        JsonNode fetched = json(expect(admin.send("GET", "/api/v1/users/" + id), 200));
        expect(admin.send("DELETE", "/api/v1/users/" + id), 204);

        // then each answer shows the account (never a password), and it is gone at the end
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/users/" + id);
        assertThat(json(created).has("password")).isFalse();
        assertThat(found.valueStream().map(u -> u.get("username").asString())).containsExactly(username);
        assertThat(updated.get("fullName").asString()).isEqualTo("Ann Other");
        assertThat(updated.get("email").asString()).isEqualTo("ann@example.com");
        assertThat(fetched.get("systemAdmin").asBoolean()).isTrue();
        assertProblem(admin.send("GET", "/api/v1/users/" + id), 404, null);
    }

    @Test
    void a_password_set_by_the_admin_replaces_the_old_one_at_once() {
        String username = unique("reset");
        long id = users.create(username, "Passw0rd-Old", null, null, false).id();

        expect(send(admin, "PUT", "/api/v1/users/" + id + "/password", "{\"password\":\"Passw0rd-New\"}"), 204);

        assertThat(new RegistryClient(port, username, "Passw0rd-New").send("GET", "/api/v1/users/current").statusCode()).isEqualTo(200);
        assertThat(new RegistryClient(port, username, "Passw0rd-Old").send("GET", "/api/v1/users/current").statusCode()).isEqualTo(401);
    }

    @Test
    void bad_input_is_a_400_naming_the_field() {
        assertProblem(send(admin, "POST", "/api/v1/users", "{\"username\":\"Bad Name\",\"password\":\"Passw0rd-X\"}"), 400, "username");
        assertProblem(send(admin, "POST", "/api/v1/users", "{\"username\":\"" + unique("weak") + "\",\"password\":\"short\"}"), 400,
                "password");
        assertProblem(send(admin, "POST", "/api/v1/users", "{\"username\":\"" + unique("mail") + "\",\"password\":\"Passw0rd-X\","
                + "\"email\":\"not-an-address\"}"), 400, "email");
        assertProblem(send(admin, "POST", "/api/v1/users", "{\"username\":\"" + unique("nopw") + "\"}"), 400, "password");
        assertProblem(admin.send("GET", "/api/v1/users/abc"), 400, "id");
    }

    @Test
    void a_user_sees_and_changes_only_their_own_account() {
        // given a user who is no system admin
        String username = unique("self");
        users.create(username, "Passw0rd-Self", "self@example.com", null, false);
        RegistryClient user = new RegistryClient(port, username, "Passw0rd-Self");

        // when they read their account, try the user list, and change their password (wrongly, weakly, then right)
        JsonNode me = json(expect(user.send("GET", "/api/v1/users/current"), 200));
        HttpResponse<String> list = user.send("GET", "/api/v1/users");
        HttpResponse<String> wrongOld = send(user, "PUT", "/api/v1/users/current/password",
                "{\"oldPassword\":\"nope\",\"newPassword\":\"Passw0rd-Next\"}");
        HttpResponse<String> weak = send(user, "PUT", "/api/v1/users/current/password",
                "{\"oldPassword\":\"Passw0rd-Self\",\"newPassword\":\"weak\"}");
        expect(send(user, "PUT", "/api/v1/users/current/password",
                "{\"oldPassword\":\"Passw0rd-Self\",\"newPassword\":\"Passw0rd-Next\"}"), 204);

        // then they saw themselves only, and only the last change held
        assertThat(me.get("username").asString()).isEqualTo(username);
        assertThat(me.get("kind").asString()).isEqualTo("user");
        assertThat(me.get("email").asString()).isEqualTo("self@example.com");
        assertThat(me.get("systemAdmin").asBoolean()).isFalse();
        assertProblem(list, 403, null);
        assertProblem(wrongOld, 403, null);
        assertProblem(weak, 400, "newPassword");
        assertThat(new RegistryClient(port, username, "Passw0rd-Next").send("GET", "/api/v1/users/current").statusCode()).isEqualTo(200);
    }

    @Test
    void an_anonymous_caller_is_asked_to_sign_in_and_a_robot_is_told_it_is_one() {
        var fixture = fixture();

        HttpResponse<String> anonymous = RegistryClient.anonymous(port).send("GET", "/api/v1/users/current");
        JsonNode robot = json(expect(fixture.basic(port, "robot-pull").send("GET", "/api/v1/users/current"), 200));

        assertProblem(anonymous, 401, null);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"registry\"");
        assertThat(robot.get("kind").asString()).isEqualTo("robot");
        assertThat(robot.get("username").asString()).startsWith("robot." + fixture.project + ".");
    }

    // issue 11, security 5: bcrypt reads at most 72 bytes; 30 x EURO SIGN is 90 bytes
    @Test
    void a_password_over_72_bytes_is_a_400_naming_the_limit_everywhere_and_as_a_login_just_wrong() {
        String tooLong = "\u20ac".repeat(30) + "Aa1";
        String username = unique("euro");
        long id = users.create(username, "Passw0rd-Euro", null, null, false).id();
        RegistryClient user = new RegistryClient(port, username, "Passw0rd-Euro");

        JsonNode create = assertProblem(send(admin, "POST", "/api/v1/users", "{\"username\":\"" + unique("euro")
                + "\",\"password\":\"" + tooLong + "\"}"), 400, "password");
        JsonNode reset = assertProblem(send(admin, "PUT", "/api/v1/users/" + id + "/password", "{\"password\":\"" + tooLong + "\"}"),
                400, "password");
        JsonNode change = assertProblem(send(user, "PUT", "/api/v1/users/current/password",
                "{\"oldPassword\":\"Passw0rd-Euro\",\"newPassword\":\"" + tooLong + "\"}"), 400, "newPassword");
        HttpResponse<String> login = new RegistryClient(port, username, tooLong).send("GET", "/api/v1/users/current");

        for (JsonNode problem : java.util.List.of(create, reset, change)) {
            assertThat(problem.get("detail").asString()).contains("at most 72 bytes", "this one has 93");
            assertThat(problem.get("code").asString()).isEqualTo("INVALID_INPUT");
        }
        assertProblem(login, 401, null);
    }

    // issue 11, security 1: the unlock, for system admins only, and logins in the audit log with the address
    @Test
    void failed_logins_token_requests_and_the_unlock_are_audited_with_the_address_and_only_admins_unlock() {
        String username = unique("audited");
        long id = users.create(username, "Passw0rd-Audit", null, null, false).id();
        var fixture = fixture();
        expect(new RegistryClient(port, username, "Wrong-Passw0rd").send("GET", "/v2/"), 401);
        expect(new RegistryClient(port, username, "Passw0rd-Audit").send("GET", "/service/token?service=registry&scope="
                + java.net.URLEncoder.encode("repository:" + fixture.project + "/app:pull", java.nio.charset.StandardCharsets.UTF_8)), 200);

        HttpResponse<String> byUser = fixture.basic(port, "project-admin").send("DELETE", "/api/v1/users/" + id + "/login-failures");
        expect(admin.send("DELETE", "/api/v1/users/" + id + "/login-failures"), 204);
        audit.flush();
        java.util.List<JsonNode> rows = json(expect(admin.send("GET", "/api/v1/audit?page_size=100"), 200)).valueStream()
                .filter(r -> ("user:" + username).equals(r.get("resource").asString()))
                .filter(r -> !r.get("operation").asString().equals("create")).toList();

        assertProblem(byUser, 403, null);
        assertProblem(admin.send("DELETE", "/api/v1/users/999999/login-failures"), 404, null);
        assertThat(rows).extracting(r -> r.get("operation").asString()).containsExactly("unlock", "login", "login-failed");
        JsonNode failed = rows.get(2);
        assertThat(failed.get("actorKind").asString()).isEqualTo("anonymous");
        assertThat(failed.get("clientAddress").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(failed.get("detail").asString()).isEqualTo("incorrect username or password");
        JsonNode token = rows.get(1);
        assertThat(token.get("actor").asString()).isEqualTo(username);
        assertThat(token.get("clientAddress").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(token.get("detail").asString()).isEqualTo("token without scope");
        assertThat(rows.get(0).get("actor").asString()).isEqualTo("admin");
    }
}
