package dev.registry.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 14: structured JSON logs as an option ({@code logging.structured.format.console=ecs}, Spring Boot's own): every
 * line is a JSON object, and a request's access line carries its request id as a field.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:jsonlogs;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
        "registry.storage.filesystem.root=target/test-data/jsonlogs-blobs",
        "registry.admin.password=" + RegistryIntegrationTest.ADMIN_PASSWORD,
        "logging.structured.format.console=ecs",
        "logging.level.root=warn",
        "logging.level.dev.registry.access=info"})
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogsTest {

    @LocalServerPort
    int port;

    @Test
    void theAccessLineIsAJsonObjectWithTheRequestIdAsAField(CapturedOutput output) {
        HttpResponse<String> response = new RegistryClient(port, RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD)
                .send("GET", "/v2/_catalog", null, Map.of("X-Request-Id", "json-logs-1"));
        assertThat(response.statusCode()).isEqualTo(200);

        List<JsonNode> access = output.getAll().lines().filter(line -> line.startsWith("{"))
                .map(line -> JsonMapper.builder().build().readTree(line))
                .filter(line -> "dev.registry.access".equals(line.path("log").path("logger").asString(null))
                        || "dev.registry.access".equals(line.path("log.logger").asString(null)))
                .toList();
        assertThat(access).anySatisfy(line -> {
            assertThat(line.toString()).contains("GET /v2/_catalog 200", "json-logs-1");
            assertThat(line.path("requestId").asString(null)).isEqualTo("json-logs-1");
        });
        assertThat(output.getAll().lines().filter(line -> line.contains("GET /v2/_catalog 200")))
                .allMatch(line -> line.startsWith("{"));
    }
}
