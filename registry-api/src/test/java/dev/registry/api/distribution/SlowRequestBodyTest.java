package dev.registry.api.distribution;

import static dev.registry.api.distribution.EdgeErrorFormatsTest.assertOciJson;
import static dev.registry.api.distribution.EdgeErrorFormatsTest.assertProblemJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.distribution.EdgeErrorFormatsTest.RawResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Request bodies that stall or trickle (issue 11, security items 8 and 11): a body that stops
 * arriving for the connection timeout is a 408 in the registry's JSON (OCI on {@code /v2}, problem
 * JSON on {@code /api}) instead of Spring Boot's default error JSON; an upload body arriving below
 * {@code registry.uploads.limits.min-body-rate} after its grace period is cut off with a 408 saying
 * so, and the upload keeps what arrived. Its own context: the timeout and the rate are lowered so the
 * test takes seconds, not minutes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:registry-slow-bodies;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
        "registry.storage.filesystem.root=target/test-data/slow-bodies-blobs",
        "registry.admin.password=" + RegistryIntegrationTest.ADMIN_PASSWORD,
        "registry.projects.create-on-push=true",
        "server.tomcat.connection-timeout=2s",
        "registry.uploads.limits.min-body-rate=200B",
        "registry.uploads.limits.min-body-rate-grace=2s",
        "logging.level.root=warn"
})
@DirtiesContext
class SlowRequestBodyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
            (RegistryIntegrationTest.ADMIN + ":" + RegistryIntegrationTest.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));

    @LocalServerPort
    int port;

    private String startUpload(String repo) {
        return new RegistryClient(port).send("POST", "/v2/" + repo + "/blobs/uploads/", null, Map.of())
                .headers().firstValue("Location").orElseThrow();
    }

    @Test
    void anUploadBodyThatStopsArrivingIsA408InOciJson() throws IOException {
        String location = startUpload("slow/stalled");

        // the body announces 100 bytes and sends 3
        RawResponse response = EdgeErrorFormatsTest.exchange(port, "PATCH " + location + " HTTP/1.1\r\nHost: registry\r\n"
                + "Authorization: " + BASIC + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\n"
                + "Connection: close\r\n\r\nabc");

        assertOciJson(response, 408, "BLOB_UPLOAD_INVALID");
        assertThat(response.body()).contains("stopped arriving").doesNotContain("timestamp");
    }

    @Test
    void aManagementBodyThatStopsArrivingIsA408InProblemJson() throws IOException {
        RawResponse response = EdgeErrorFormatsTest.exchange(port, "POST /api/v1/projects HTTP/1.1\r\nHost: registry\r\n"
                + "Authorization: " + BASIC + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
                + "Connection: close\r\n\r\n{\"na");

        assertProblemJson(response, 408, "INVALID_INPUT");
    }

    @Test
    void anUploadBodyTricklingBelowTheMinimumRateIsCutOffWithA408AndTheUploadKeepsWhatArrived() throws Exception {
        String location = startUpload("slow/trickle");

        RawResponse response;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: registry\r\nAuthorization: " + BASIC
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // one byte every 400 ms (2.5 bytes/s against a minimum of 200), until the server answers
            for (int i = 0; i < 100 && in.available() == 0; i++) {
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException closedByServer) {
                    break;
                }
                Thread.sleep(400);
            }
            response = RawResponse.read(in);
        }

        assertOciJson(response, 408, "BLOB_UPLOAD_INVALID");
        assertThat(JSON.readTree(response.body()).get("errors").get(0).get("message").asString())
                .contains("below the minimum of 200 bytes/s");
        assertThat(response.header("Connection")).isEqualTo("close");
        assertThat(new RegistryClient(port).send("GET", location).statusCode()).as("the upload goes on").isEqualTo(204);
    }
}
