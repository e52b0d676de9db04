package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.core.access.PullSecrets;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/** Project robots (/api/v1/projects/{project}/robots) and system robots (/api/v1/robots). */
class RobotApiTest extends ManagementTestBase {

    String project;
    String robots;

    @BeforeEach
    void project() {
        project = unique("bots");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + project + "\"}"), 201);
        robots = "/api/v1/projects/" + project + "/robots";
    }

    @Test
    void a_new_robot_comes_with_its_secret_and_a_pull_secret_for_this_registry_shown_once() {
        // when a project robot is created for namespace apps
        HttpResponse<String> response = expect(send(admin, "POST", robots + "?namespace=apps",
                "{\"name\":\"puller\",\"description\":\"kubelet\",\"permissions\":[\"pull\"]}"), 201);
        JsonNode created = json(response);
        String name = created.get("robot").get("name").asString();
        String secret = created.get("secret").asString();

        // then the robot is named after its project, its secret works, and it is never shown again
        assertThat(name).isEqualTo("robot." + project + ".puller");
        assertThat(created.get("robot").get("permissions").get(project).valueStream().map(JsonNode::asString)).containsExactly("pull");
        assertThat(response.headers().firstValue("Location")).contains(robots + "/" + created.get("robot").get("id").asLong());
        assertThat(new RegistryClient(port, name, secret).send("GET", "/api/v1/users/current").statusCode()).isEqualTo(200);
        assertThat(admin.send("GET", robots + "/" + created.get("robot").get("id").asLong()).body()).doesNotContain(secret);

        // and the pull secret is a dockerconfigjson Secret holding exactly these credentials for this host
        assertPullSecret(created.get("pullSecretYaml").asString(), "apps", name, secret);
    }

    @Test
    void rotating_replaces_the_secret_at_once() {
        JsonNode created = json(expect(send(admin, "POST", robots, "{\"name\":\"ci\",\"permissions\":[\"pull\",\"push\"]}"), 201));
        String name = created.get("robot").get("name").asString();
        long id = created.get("robot").get("id").asLong();

        JsonNode rotated = json(expect(admin.send("POST", robots + "/" + id + "/rotate"), 200));

        String secret = rotated.get("secret").asString();
        assertThat(secret).isNotEqualTo(created.get("secret").asString());
        assertThat(new RegistryClient(port, name, created.get("secret").asString()).send("GET", "/api/v1/users/current").statusCode())
                .isEqualTo(401);
        assertThat(new RegistryClient(port, name, secret).send("GET", "/api/v1/users/current").statusCode()).isEqualTo(200);
        assertPullSecret(rotated.get("pullSecretYaml").asString(), "default", name, secret);
    }

    @Test
    void robots_expiring_within_seven_days_are_flagged() {
        expect(send(admin, "POST", robots, "{\"name\":\"soon\",\"permissions\":[\"pull\"],\"expiresInDays\":3}"), 201);
        expect(send(admin, "POST", robots, "{\"name\":\"later\",\"permissions\":[\"pull\"],\"expiresInDays\":30}"), 201);
        expect(send(admin, "POST", robots, "{\"name\":\"never\",\"permissions\":[\"pull\"]}"), 201);

        HttpResponse<String> list = expect(admin.send("GET", robots), 200);

        assertThat(list.headers().firstValue("X-Total-Count")).contains("3");
        assertThat(json(list).valueStream().map(r -> r.get("name").asString().replace("robot." + project + ".", "")
                + "=" + r.get("expiresSoon").asBoolean())).containsExactly("later=false", "never=false", "soon=true");
    }

    @Test
    void a_disabled_robot_cannot_sign_in_until_it_is_enabled_and_its_expiry_can_move() {
        JsonNode created = json(expect(send(admin, "POST", robots, "{\"name\":\"toggle\",\"permissions\":[\"pull\"]}"), 201));
        long id = created.get("robot").get("id").asLong();
        RegistryClient robot = new RegistryClient(port, created.get("robot").get("name").asString(), created.get("secret").asString());

        JsonNode disabled = json(expect(send(admin, "PATCH", robots + "/" + id, "{\"disabled\":true}"), 200));
        int whileDisabled = robot.send("GET", "/api/v1/users/current").statusCode();
        JsonNode enabled = json(expect(send(admin, "PATCH", robots + "/" + id, "{\"disabled\":false,\"expiresInDays\":2}"), 200));

        assertThat(disabled.get("disabled").asBoolean()).isTrue();
        assertThat(whileDisabled).isEqualTo(401);
        assertThat(enabled.get("disabled").asBoolean()).isFalse();
        assertThat(enabled.get("expiresSoon").asBoolean()).isTrue();
        assertThat(robot.send("GET", "/api/v1/users/current").statusCode()).isEqualTo(200);
        assertProblem(send(admin, "PATCH", robots + "/" + id, "{\"expiresInDays\":0}"), 400, "expiresInDays");
        expect(admin.send("DELETE", robots + "/" + id), 204);
        assertProblem(admin.send("GET", robots + "/" + id), 404, null);
    }

    @Test
    void a_robots_permissions_change_after_creation_with_the_checks_of_creation_and_audited() {
        // issue 11, correctness 7: a robot's permissions could not be changed after creation
        JsonNode created = json(expect(send(admin, "POST", robots, "{\"name\":\"ci\",\"permissions\":[\"pull\"]}"), 201));
        long id = created.get("robot").get("id").asLong();
        String name = created.get("robot").get("name").asString();
        RegistryClient robot = new RegistryClient(port, name, created.get("secret").asString());
        byte[] blob = "robot bytes".getBytes(StandardCharsets.UTF_8);
        int pushBefore = robot.send("POST", "/v2/" + project + "/ci/blobs/uploads/", new byte[0], Map.of()).statusCode();

        // when the project's admin gives it push, then tries to give it what robots may never hold
        JsonNode changed = json(expect(send(admin, "PATCH", robots + "/" + id,
                "{\"permissions\":[\"pull\",\"push\"],\"description\":\"builds\"}"), 200));
        assertProblem(send(admin, "PATCH", robots + "/" + id, "{\"permissions\":[\"manage-members\"]}"), 400, "permissions");
        assertProblem(send(admin, "PATCH", robots + "/" + id, "{\"permissions\":[]}"), 400, "permissions");

        // then it holds pull and push (and pushes now), the refused changes changed nothing, and the change is audited
        assertThat(pushBefore).isIn(401, 403);
        assertThat(changed.get("permissions").get(project).valueStream().map(JsonNode::asString)).containsExactly("pull", "push");
        assertThat(changed.get("description").asString()).isEqualTo("builds");
        robot.pushBlob(project + "/ci", blob);
        assertThat(json(expect(admin.send("GET", robots + "/" + id), 200)).get("permissions").get(project).size()).isEqualTo(2);
        audit.flush();
        JsonNode update = json(expect(admin.send("GET", "/api/v1/projects/" + project + "/audit?page_size=100"), 200)).valueStream()
                .filter(e -> e.get("resource").asString().equals(name) && e.get("operation").asString().equals("update"))
                .findFirst().orElseThrow();
        assertThat(update.get("actor").asString()).isEqualTo("admin");
        assertThat(update.get("detail").asString()).contains("permissions").contains("push").contains("description");
    }

    @Test
    void a_bearer_token_issued_before_a_permission_change_stops_working_and_a_new_one_has_the_new_scopes()
            throws InterruptedException {
        // issue 11 (security 3/4, correctness 7): what a robot may do is the current decision, not the one of its last token
        JsonNode created = json(expect(send(admin, "POST", robots, "{\"name\":\"revoked\",\"permissions\":[\"pull\",\"push\"]}"), 201));
        long id = created.get("robot").get("id").asLong();
        RegistryClient robot = new RegistryClient(port, created.get("robot").get("name").asString(), created.get("secret").asString());
        String scope = "/service/token?service=registry&scope=repository:" + project + "/revoked:pull,push";
        String before = json(expect(robot.send("GET", scope), 200)).get("token").asString();
        int pushWithOldToken = RegistryClient.withAuthorization(port, "Bearer " + before)
                .send("POST", "/v2/" + project + "/revoked/blobs/uploads/", new byte[0], Map.of()).statusCode();
        Thread.sleep(1_100); // tokens carry their issue time in whole seconds: the change must fall in a later one

        // when push is taken away
        expect(send(admin, "PATCH", robots + "/" + id, "{\"permissions\":[\"pull\"]}"), 200);

        // then the earlier token is refused (the client signs in again) and a new one grants pull only
        HttpResponse<String> withOldToken = RegistryClient.withAuthorization(port, "Bearer " + before)
                .send("POST", "/v2/" + project + "/revoked/blobs/uploads/", new byte[0], Map.of());
        JsonNode after = json(expect(robot.send("GET", scope), 200));
        assertThat(pushWithOldToken).isEqualTo(202);
        assertThat(withOldToken.statusCode()).isEqualTo(401);
        assertThat(withOldToken.body()).contains("changed after this token was issued");
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(after.get("token").asString().split("\\.")[1]));
        assertThat(claims.get("access").get(0).get("actions").valueStream().map(JsonNode::asString)).containsExactly("pull");
    }

    @Test
    void a_system_robots_permissions_change_only_by_a_system_admin() {
        String name = unique("sysbot");
        JsonNode created = json(expect(send(admin, "POST", "/api/v1/robots",
                "{\"name\":\"" + name + "\",\"permissions\":{\"" + project + "\":[\"pull\"]}}"), 201));
        long id = created.get("robot").get("id").asLong();
        var fixture = fixture();

        assertProblem(send(fixture.basic(port, "project-admin"), "PATCH", "/api/v1/robots/" + id,
                "{\"permissions\":{\"*\":[\"pull\"]}}"), 403, null);
        JsonNode changed = json(expect(send(admin, "PATCH", "/api/v1/robots/" + id,
                "{\"permissions\":{\"*\":[\"pull\",\"list-repositories\"]}}"), 200));
        assertProblem(send(admin, "PATCH", "/api/v1/robots/" + id, "{\"permissions\":{\"no-such-project-x\":[\"pull\"]}}"),
                404, null);

        assertThat(changed.get("permissions").has(project)).isFalse();
        assertThat(changed.get("permissions").get("*").valueStream().map(JsonNode::asString))
                .containsExactly("pull", "list-repositories");
        expect(admin.send("DELETE", "/api/v1/robots/" + id), 204);
    }

    @Test
    void the_pull_secret_endpoint_fills_in_the_secret_only_when_it_is_handed_the_right_one() {
        JsonNode created = json(expect(send(admin, "POST", robots, "{\"name\":\"k8s\",\"permissions\":[\"pull\"]}"), 201));
        long id = created.get("robot").get("id").asLong();
        String name = created.get("robot").get("name").asString();
        String secret = created.get("secret").asString();
        String path = robots + "/" + id + "/pull-secret?namespace=prod";

        HttpResponse<String> template = expect(admin.send("GET", path), 200);
        HttpResponse<String> complete = expect(admin.send("GET", path, null, Map.of("X-Robot-Secret", secret)), 200);

        assertThat(template.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/yaml"));
        Map<String, Object> placeholder = new Yaml().load(template.body());
        assertThat(template.body()).doesNotContain(secret).contains("stored only as a hash");
        @SuppressWarnings("unchecked")
        Map<String, String> stringData = (Map<String, String>) placeholder.get("stringData");
        assertThat(stringData.get(".dockerconfigjson")).contains(PullSecrets.PLACEHOLDER).contains(name);
        assertPullSecret(complete.body(), "prod", name, secret);
        assertProblem(admin.send("GET", path, null, Map.of("X-Robot-Secret", "wrong")), 400, "X-Robot-Secret");
        assertProblem(admin.send("GET", robots + "/" + id + "/pull-secret?namespace=Not_A_Namespace"), 400, "namespace");
        assertProblem(send(admin, "POST", robots + "?namespace=-bad", "{\"name\":\"never-made\",\"permissions\":[\"pull\"]}"), 400,
                "namespace");
        assertProblem(admin.send("GET", robots + "/" + id + "-x"), 400, "id");
    }

    @Test
    void a_robot_of_another_project_is_not_found_through_this_one() {
        // given a robot in this project, and another project the same admin runs
        long id = json(expect(send(admin, "POST", robots, "{\"name\":\"mine\",\"permissions\":[\"pull\"]}"), 201))
                .get("robot").get("id").asLong();
        String other = unique("elsewhere");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + other + "\"}"), 201);
        String elsewhere = "/api/v1/projects/" + other + "/robots/" + id;

        // then through the other project the robot does not exist, nor among the system robots
        assertProblem(admin.send("GET", elsewhere), 404, null);
        assertProblem(admin.send("POST", elsewhere + "/rotate"), 404, null);
        assertProblem(admin.send("DELETE", elsewhere), 404, null);
        assertProblem(admin.send("GET", "/api/v1/robots/" + id), 404, null);
    }

    @Test
    void bad_robot_input_is_a_400_naming_the_field() {
        assertProblem(send(admin, "POST", robots, "{\"name\":\"Bad Name\",\"permissions\":[\"pull\"]}"), 400, "name");
        assertProblem(send(admin, "POST", robots, "{\"name\":\"x\",\"permissions\":[\"fly\"]}"), 400, "permissions");
        assertProblem(send(admin, "POST", robots, "{\"name\":\"x\",\"permissions\":[\"manage-members\"]}"), 400, "permissions");
        assertProblem(send(admin, "POST", robots, "{\"name\":\"x\",\"permissions\":[]}"), 400, "permissions");
        assertProblem(send(admin, "POST", robots, "{\"name\":\"x\",\"permissions\":[\"pull\"],\"expiresInDays\":-7}"), 400,
                "expiresInDays");
    }

    @Test
    void system_robots_act_across_projects_and_are_for_system_admins_only() {
        // when the admin creates a system robot that may pull everywhere, and a project admin tries to list them
        String name = unique("everywhere");
        JsonNode created = json(expect(send(admin, "POST", "/api/v1/robots",
                "{\"name\":\"" + name + "\",\"permissions\":{\"*\":[\"pull\"]}}"), 201));
        var fixture = fixture();
        HttpResponse<String> byProjectAdmin = fixture.basic(port, "project-admin").send("GET", "/api/v1/robots");

        // then the robot is a system robot reading any project; the project admin is refused
        assertThat(created.get("robot").get("name").asString()).isEqualTo("robot." + name);
        assertThat(created.get("robot").get("project").isNull()).isTrue();
        RegistryClient robot = new RegistryClient(port, "robot." + name, created.get("secret").asString());
        expect(robot.send("GET", "/api/v1/projects/" + fixture.project), 200);
        assertThat(json(expect(admin.send("GET", "/api/v1/robots?page_size=100"), 200)).valueStream()
                .map(r -> r.get("name").asString())).contains("robot." + name);
        assertProblem(byProjectAdmin, 403, null);
        assertProblem(send(admin, "POST", "/api/v1/robots", "{\"name\":\"" + unique("bad") + "\",\"permissions\":{\"*\":[\"sing\"]}}"),
                400, "permissions");
        expect(admin.send("DELETE", "/api/v1/robots/" + created.get("robot").get("id").asLong()), 204);
    }

    /** The YAML is a kubernetes.io/dockerconfigjson Secret whose config holds the robot's credentials for this registry. */
    void assertPullSecret(String yaml, String namespace, String robot, String secret) {
        Map<String, Object> manifest = new Yaml().load(yaml);
        assertThat(manifest).containsEntry("apiVersion", "v1").containsEntry("kind", "Secret")
                .containsEntry("type", "kubernetes.io/dockerconfigjson");
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) manifest.get("metadata");
        assertThat(metadata).containsEntry("namespace", namespace).containsEntry("name", robot);
        String config = new String(Base64.getDecoder().decode((String) ((Map<?, ?>) manifest.get("data")).get(".dockerconfigjson")),
                StandardCharsets.UTF_8);
        JsonNode entry = JSON.readTree(config).get("auths").get("localhost:" + port);
        assertThat(entry).as(config).isNotNull();
        assertThat(entry.get("username").asString()).isEqualTo(robot);
        assertThat(entry.get("password").asString()).isEqualTo(secret);
        assertThat(new String(Base64.getDecoder().decode(entry.get("auth").asString()), StandardCharsets.UTF_8))
                .isEqualTo(robot + ":" + secret);
    }
}
