package dev.registry.api.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Kubernetes probes: liveness is the process, readiness checks the database and the blob store. */
@RegistryIntegrationTest
class HealthProbesTest {

    @LocalServerPort
    int port;

    @Test
    void livenessIsUp() {
        var r = new RegistryClient(port).send("GET", "/actuator/health/liveness");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JsonMapper.builder().build().readTree(r.body()).get("status").asString()).isEqualTo("UP");
    }

    @Test
    void readinessChecksTheDatabaseAndTheBlobStore() {
        var r = new RegistryClient(port).send("GET", "/actuator/health/readiness");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JsonMapper.builder().build().readTree(r.body());
        assertThat(body.get("status").asString()).isEqualTo("UP");
        assertThat(body.get("components").get("db").get("status").asString()).isEqualTo("UP");
        assertThat(body.get("components").get("blobStore").get("status").asString()).isEqualTo("UP");
    }
}
