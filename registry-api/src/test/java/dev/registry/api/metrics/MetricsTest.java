package dev.registry.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 14, "Metrics, health and logs": {@code /actuator/prometheus} on the management port with the metrics a registry
 * operator needs, every label bounded (route templates, never a repository, tag, digest or user name), and not served
 * on the application port; one access log line per request with its request id, and no password, secret or token in
 * any log line (everything at INFO is captured).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:metrics;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
        "registry.storage.filesystem.root=target/test-data/metrics-blobs",
        "registry.admin.password=" + RegistryIntegrationTest.ADMIN_PASSWORD,
        "registry.projects.create-on-push=true",
        "management.server.port=0",
        "logging.level.root=info"})
@ExtendWith(OutputCaptureExtension.class)
class MetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s on port %d", path, port).isEqualTo(200);
        return response.body();
    }

    /** The value of one series of the scrape, or 0 when absent. */
    static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.Ee+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @LocalServerPort
    int port;
    @LocalManagementPort
    int managementPort;

    @Test
    void aPushAPullAndAFailedSignInShowInBoundedMetricsOnlyThere() throws Exception {
        String project = "metrics" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String repository = project + "/secret-team/app";
        RegistryClient admin = new RegistryClient(port, RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD);
        String before = get(managementPort, "/actuator/prometheus");

        byte[] layer = new byte[12345];
        Arrays.fill(layer, (byte) 7);
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
        String configDigest = admin.pushBlob(repository, config.getBytes(StandardCharsets.UTF_8));
        String layerDigest = admin.pushBlob(repository, layer);
        String manifest = TestImages.ociManifest(configDigest, config.length(), layerDigest, layer.length);
        assertThat(admin.pushManifest(repository, "v1.2.3-hidden", "application/vnd.oci.image.manifest.v1+json", manifest)
                .statusCode()).isEqualTo(201);
        assertThat(admin.sendForBytes("GET", "/v2/" + repository + "/blobs/" + layerDigest, java.util.Map.of()).body())
                .hasSize(layer.length);
        assertThat(new RegistryClient(port, "someone-unknown", "wrong-password").send("GET", "/v2/" + repository + "/tags/list")
                .statusCode()).isEqualTo(401);
        assertThat(RegistryClient.anonymous(port).send("GET", "/api/v1/projects").statusCode()).isIn(200, 401);
        String token = admin.send("GET", "/service/token?service=registry&scope=repository:" + repository + ":pull").body();
        assertThat(token).contains("token");

        String scrape = get(managementPort, "/actuator/prometheus");

        // the blob bytes this replica took in and sent out, the store's operations, the uploads, the token service
        assertThat(value(scrape, "registry_blob_bytes_received_bytes_total{store=\"filesystem\"}")
                - value(before, "registry_blob_bytes_received_bytes_total{store=\"filesystem\"}"))
                .isGreaterThanOrEqualTo(layer.length + config.length());
        assertThat(value(scrape, "registry_blob_bytes_sent_bytes_total{store=\"filesystem\"}")
                - value(before, "registry_blob_bytes_sent_bytes_total{store=\"filesystem\"}")).isGreaterThanOrEqualTo(layer.length);
        assertThat(scrape).contains("registry_storage_operations_seconds_count{operation=\"commit\",outcome=\"success\",store=\"filesystem\"}",
                "registry_uploads_open ", "registry_auth_tokens_issued_total ", "registry_auth_login_failures_total ",
                "registry_project_storage_used_bytes", "hikaricp_connections_active", "jvm_memory_used_bytes");
        assertThat(value(scrape, "registry_auth_login_failures_total")).isGreaterThan(value(before, "registry_auth_login_failures_total"));
        assertThat(value(scrape, "registry_auth_tokens_issued_total")).isGreaterThan(value(before, "registry_auth_tokens_issued_total"));
        // requests by route template, method and status, with a latency histogram
        assertThat(scrape).contains("http_server_requests_seconds_bucket{", "uri=\"/v2/{name}/manifests/{reference}\"",
                "uri=\"/v2/{name}/blobs/{digest}\"");
        // bounded labels: no repository, tag, digest or user name anywhere in the scrape
        assertThat(scrape).doesNotContain("secret-team", "v1.2.3-hidden", layerDigest.substring(7, 30), "someone-unknown",
                RegistryIntegrationTest.ADMIN_PASSWORD);
        // and nothing of it on the application port
        assertThat(RegistryClient.anonymous(port).send("GET", "/actuator/prometheus").statusCode()).isEqualTo(404);
    }

    @Test
    void theLogHasALineWithItsIdPerRequestAndNoPasswordSecretOrToken(CapturedOutput output) throws Exception {
        String project = "logs" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        RegistryClient admin = new RegistryClient(port, RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD);
        // a push
        String configDigest = admin.pushBlob(project + "/app", "{}".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> pushed = admin.pushManifest(project + "/app", "v1", "application/vnd.oci.image.manifest.v1+json",
                TestImages.ociManifest(configDigest, 2, configDigest, 2));
        assertThat(pushed.statusCode()).isEqualTo(201);
        String requestId = pushed.headers().firstValue("X-Request-Id").orElseThrow();
        // a robot, its secret shown once
        HttpResponse<String> robot = admin.send("POST", "/api/v1/projects/" + project + "/robots",
                "{\"name\":\"ci\",\"permissions\":[\"pull\"]}".getBytes(StandardCharsets.UTF_8),
                java.util.Map.of("Content-Type", "application/json"));
        assertThat(robot.statusCode()).isEqualTo(201);
        String secret = robot.body().replaceAll("(?s).*\"secret\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        assertThat(secret).isNotBlank().isNotEqualTo(robot.body());
        // a token, a failed and a good sign-in (Basic and the console's form), a proxy's request id kept
        String token = admin.send("GET", "/service/token?service=registry&scope=repository:" + project + "/app:pull").body()
                .replaceAll("(?s).*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        assertThat(token).isNotBlank();
        assertThat(new RegistryClient(port, "admin", "Wrong-password-7").send("GET", "/v2/").statusCode()).isEqualTo(401);
        assertThat(new dev.registry.api.console.Browser(port).signIn("admin", RegistryIntegrationTest.ADMIN_PASSWORD)
                .statusCode()).isIn(200, 302);
        HttpResponse<String> proxied = RegistryClient.withAuthorization(port, "Bearer " + token)
                .send("GET", "/v2/" + project + "/app/manifests/v1", null, java.util.Map.of("X-Request-Id", "edge-42.abc",
                        "Accept", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(proxied.headers().firstValue("X-Request-Id")).hasValue("edge-42.abc");

        // the access line is written once the answer is sent: wait (at most 10 s) until the last one is there
        for (int i = 0; i < 100 && !output.getAll().contains("id=edge-42.abc"); i++) {
            Thread.sleep(100);
        }
        String log = output.getAll();
        assertThat(log).contains("PUT /v2/" + project + "/app/manifests/v1 201", "GET /v2/" + project + "/app/manifests/v1 200");
        assertThat(log.lines().filter(line -> line.contains("GET /v2/" + project + "/app/manifests/v1 200")
                && line.contains("id=edge-42.abc") && line.contains("[edge-42.abc]"))).as("the proxied request's line").hasSize(1);
        assertThat(log).contains("admin id=" + requestId);
        assertThat(log).doesNotContain(RegistryIntegrationTest.ADMIN_PASSWORD, "Wrong-password-7", secret, token,
                token.substring(0, 20), "Authorization", "Basic ");
        assertThat(requestId).matches("[0-9a-f]{24}");
    }

    /** The Grafana dashboard in deploy/ is built on these metrics: every series its queries name is in a real scrape. */
    @Test
    void everyMetricTheGrafanaDashboardQueriesIsServed() throws Exception {
        RegistryClient admin = new RegistryClient(port, RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD);
        assertThat(admin.send("POST", "/api/v1/jobs/upload-cleanup/runs").statusCode()).isIn(200, 201, 202); // a job run
        String scrape = get(managementPort, "/actuator/prometheus");
        tools.jackson.databind.JsonNode dashboard = tools.jackson.databind.json.JsonMapper.builder().build().readTree(
                java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("user.dir")).getParent()
                        .resolve("deploy/grafana/registry.json")));
        java.util.Set<String> queried = new java.util.TreeSet<>();
        for (tools.jackson.databind.JsonNode panel : dashboard.get("panels")) {
            for (tools.jackson.databind.JsonNode target : panel.get("targets")) {
                Matcher m = Pattern.compile("\\b([a-z_]+_(?:total|bytes|count|bucket|active|pending|max|open))\\{")
                        .matcher(target.get("expr").asString());
                while (m.find()) {
                    queried.add(m.group(1));
                }
            }
        }
        assertThat(queried).hasSizeGreaterThan(10);
        for (String metric : queried) {
            assertThat(Pattern.compile("(?m)^" + Pattern.quote(metric) + "[{ ]").matcher(scrape).find())
                    .as("the dashboard queries %s; the registry serves it", metric).isTrue();
        }
        assertThat(scrape).contains("registry_jobs_runs_seconds_count{name=\"upload-cleanup\",outcome=\"succeeded\"}");
    }
}
