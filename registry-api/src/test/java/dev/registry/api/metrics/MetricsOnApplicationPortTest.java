package dev.registry.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Issue 14: without a management port, {@code /actuator/prometheus} is not served on the application's port. */
@RegistryIntegrationTest
class MetricsOnApplicationPortTest {

    @LocalServerPort
    int port;

    @Test
    void theScrapeIsRefusedWithAProblemNamingTheManagementPortAndHealthStays() {
        HttpResponse<String> response = RegistryClient.anonymous(port).send("GET", "/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("ENDPOINT_UNKNOWN", "management.server.port");
        assertThat(RegistryClient.anonymous(port).send("GET", "/actuator/health/readiness").statusCode()).isEqualTo(200);
    }
}
