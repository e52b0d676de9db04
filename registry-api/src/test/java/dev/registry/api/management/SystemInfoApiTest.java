package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GET /api/v1/systeminfo. */
class SystemInfoApiTest extends ManagementTestBase {

    @Test
    void anyone_reads_the_version_and_settings_of_the_registry() {
        JsonNode info = json(expect(RegistryClient.anonymous(port).send("GET", "/api/v1/systeminfo"), 200));

        assertThat(info.get("version").asString()).isNotBlank();
        assertThat(info.get("storageType").asString()).isEqualTo("filesystem");
        assertThat(info.get("tokenService").asString()).isEqualTo("registry");
        assertThat(info.get("createOnPush").asBoolean()).isTrue(); // the test context turns it on
        assertThat(info.get("onlyAdminsCreateProjects").asBoolean()).isFalse();
        assertThat(info.get("authentication").valueStream().map(JsonNode::asString)).containsExactly("basic", "bearer");
    }
}
