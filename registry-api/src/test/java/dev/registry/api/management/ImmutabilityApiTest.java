package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.TestImages;
import dev.registry.api.access.AccessFixture;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * /api/v1/projects/{project}/immutability-rules, and what a rule does to clients on /v2: a moved
 * or deleted protected tag is {@code DENIED} with the rule named.
 */
class ImmutabilityApiTest extends ManagementTestBase {

    @Test
    void a_maintainer_adds_a_rule_and_then_a_protected_tag_can_be_neither_moved_nor_deleted_over_v2() {
        // given the fixture's project with an image tagged v1 and latest
        AccessFixture fixture = fixture();
        String rules = "/api/v1/projects/" + fixture.project + "/immutability-rules";
        RegistryClient maintainer = fixture.basic(port, "maintainer");
        String repo = fixture.project + "/team/app";
        byte[] config = "{\"immutable\":1}".getBytes();
        byte[] other = "{\"immutable\":2}".getBytes();
        String layer = admin.pushBlob(repo, "layer".getBytes());
        String first = TestImages.ociManifest(admin.pushBlob(repo, config), config.length, layer, 5);
        String second = TestImages.ociManifest(admin.pushBlob(repo, other), other.length, layer, 5);
        expect(admin.pushManifest(repo, "v1", TestImages.OCI_MANIFEST, first), 201);
        expect(admin.pushManifest(repo, "latest", TestImages.OCI_MANIFEST, first), 201);

        // when a developer tries to add a rule, and the maintainer adds one for v* tags
        int asDeveloper = send(fixture.basic(port, "developer"), "POST", rules,
                "{\"repositoryPattern\":\"**\",\"tagPattern\":\"v*\"}").statusCode();
        JsonNode rule = json(expect(send(maintainer, "POST", rules, "{\"repositoryPattern\":\"team/**\",\"tagPattern\":\"v*\"}"), 201));
        JsonNode listed = json(expect(fixture.basic(port, "limited-guest").send("GET", rules), 200));

        // then moving or deleting v1 is denied naming the rule, while latest still moves
        HttpResponse<String> move = admin.pushManifest(repo, "v1", TestImages.OCI_MANIFEST, second);
        HttpResponse<String> delete = admin.send("DELETE", "/v2/" + repo + "/manifests/v1");
        assertThat(asDeveloper).isEqualTo(403);
        assertThat(listed.get(0).get("tagPattern").asString()).isEqualTo("v*");
        assertThat(move.statusCode()).isEqualTo(403);
        assertThat(json(move).get("errors").get(0).get("code").asString()).isEqualTo("DENIED");
        assertThat(move.body()).contains("tag v1 of " + repo + " is immutable: immutability rule " + rule.get("id").asLong());
        assertThat(delete.statusCode()).isEqualTo(403);
        // deleting the artifact by its other tag through the management API would take v1 with it: denied too (issue 11, c7)
        assertProblem(admin.send("DELETE", "/api/v1/projects/" + fixture.project + "/repositories/" + repo + "/artifacts/latest"),
                403, null);
        expect(admin.pushManifest(repo, "latest", TestImages.OCI_MANIFEST, second), 201);

        // and once the rule is gone, v1 moves
        expect(maintainer.send("DELETE", rules + "/" + rule.get("id").asLong()), 204);
        expect(admin.pushManifest(repo, "v1", TestImages.OCI_MANIFEST, second), 201);

        // and the audit log has both changes of the project's rules, by the maintainer
        audit.flush();
        String log = expect(admin.send("GET", "/api/v1/projects/" + fixture.project + "/audit?page_size=100"), 200).body();
        assertThat(log).contains("added immutability rule " + rule.get("id").asLong())
                .contains("removed immutability rule " + rule.get("id").asLong());
    }

    /**
     * Issue 11, security 2: this rule made moving a 45-character tag hang inside the push transaction,
     * with the project's lock held; now the push answers, and correctly.
     */
    @Test
    void a_rule_that_backtracked_exponentially_decides_at_once_whether_a_long_tag_may_move() {
        AccessFixture fixture = fixture();
        String rules = "/api/v1/projects/" + fixture.project + "/immutability-rules";
        String repo = fixture.project + "/long";
        byte[] config = "{\"long\":1}".getBytes();
        byte[] other = "{\"long\":2}".getBytes();
        String layer = admin.pushBlob(repo, "layer".getBytes());
        String first = TestImages.ociManifest(admin.pushBlob(repo, config), config.length, layer, 5);
        String second = TestImages.ociManifest(admin.pushBlob(repo, other), other.length, layer, 5);
        String free = "a".repeat(45);
        String guarded = "a".repeat(44) + "b";
        expect(admin.pushManifest(repo, free, TestImages.OCI_MANIFEST, first), 201);
        expect(admin.pushManifest(repo, guarded, TestImages.OCI_MANIFEST, first), 201);
        expect(send(admin, "POST", rules, "{\"repositoryPattern\":\"**\",\"tagPattern\":\"*a*a*a*a*a*a*a*a*a*a*a*a*b\"}"), 201);

        HttpResponse<String> moved = admin.pushManifest(repo, free, TestImages.OCI_MANIFEST, second);
        HttpResponse<String> refused = admin.pushManifest(repo, guarded, TestImages.OCI_MANIFEST, second);

        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(201);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains("is immutable");
    }

    @Test
    void a_bad_pattern_is_a_400_naming_the_field_and_an_unknown_rule_is_404() {
        String project = unique("imm");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + project + "\"}"), 201);
        String rules = "/api/v1/projects/" + project + "/immutability-rules";

        assertProblem(send(admin, "POST", rules, "{\"repositoryPattern\":\"**\",\"tagPattern\":\"{v1\"}"), 400, "tagPattern");
        assertProblem(send(admin, "POST", rules, "{\"tagPattern\":\"v*\"}"), 400, "repositoryPattern");
        JsonNode tooLong = assertProblem(send(admin, "POST", rules, "{\"repositoryPattern\":\"**\",\"tagPattern\":\""
                + "v*".repeat(128) + "\"}"), 400, "tagPattern");
        assertThat(tooLong.get("detail").asString()).contains("256 characters long").contains("1 to 255 characters");
        assertProblem(admin.send("DELETE", rules + "/999999"), 404, null);
    }
}
