package dev.registry.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.faults.RegistryProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 14: structured JSON logs as an option ({@code logging.structured.format.console=ecs}, Spring Boot's own): every
 * line is a JSON object, and a request's access line carries its request id as a field. A registry process of its
 * own: the logging system of the test JVM is set up once, by the first test context, whatever the later ones ask.
 */
class StructuredLogsTest {

    @Test
    void theAccessLineIsAJsonObjectWithTheRequestIdAsAField(@TempDir Path folder) throws Exception {
        RegistryProcess registry = RegistryProcess.in(folder, "--logging.structured.format.console=ecs",
                "--logging.level.dev.registry.access=info");
        registry.start();
        try {
            HttpResponse<String> response = new RegistryClient(registry.port(), RegistryIntegrationTest.ADMIN,
                    RegistryIntegrationTest.ADMIN_PASSWORD).send("GET", "/v2/_catalog", null, Map.of("X-Request-Id", "json-logs-1"));
            assertThat(response.statusCode()).isEqualTo(200);
            // the access line is written once the answer is sent: wait (at most 10 s) for it before the kill
            for (int i = 0; i < 100 && !registry.log().contains("id=json-logs-1"); i++) {
                Thread.sleep(100);
            }
        } finally {
            registry.kill();
        }

        List<String> lines = registry.log().lines().filter(line -> !line.isBlank() && !line.startsWith("WARNING:")
                && !line.startsWith("OpenJDK")).toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("{"));
        List<JsonNode> access = lines.stream().map(line -> JsonMapper.builder().build().readTree(line))
                .filter(line -> "dev.registry.access".equals(line.path("log").path("logger").asString(null)))
                .toList();
        assertThat(access).anySatisfy(line -> {
            assertThat(line.path("message").asString()).startsWith("GET /v2/_catalog 200").endsWith("id=json-logs-1");
            assertThat(line.path("requestId").asString(null)).isEqualTo("json-logs-1");
        });
    }
}
