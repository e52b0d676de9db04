package dev.registry.api.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 11, security item 8: requests Tomcat refuses before any filter or controller runs get the
 * registry's JSON, not Tomcat's HTML page: OCI error JSON under {@code /v2}, problem JSON with a
 * {@code code} under {@code /api}. Sent over a raw socket, since HTTP client libraries refuse to send
 * them.
 */
class EdgeErrorFormatsTest extends ApiTestBase {

    /** A raw HTTP/1.1 exchange; the connection is closed by the request's {@code Connection: close}. */
    static RawResponse exchange(int port, String requestHead) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return RawResponse.read(socket.getInputStream());
        }
    }

    record RawResponse(int status, String head, String body) {
        static RawResponse read(InputStream in) throws IOException {
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = all.indexOf("\r\n\r\n");
            String head = all.substring(0, split);
            String body = all.substring(split + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                StringBuilder joined = new StringBuilder();
                String rest = body;
                while (true) {
                    int eol = rest.indexOf("\r\n");
                    int size = Integer.parseInt(rest.substring(0, eol).trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    joined.append(rest, eol + 2, eol + 2 + size);
                    rest = rest.substring(eol + 2 + size + 2);
                }
                body = joined.toString();
            }
            return new RawResponse(Integer.parseInt(head.substring(9, 12)), head, body);
        }

        String header(String name) {
            return head.lines().filter(l -> l.toLowerCase().startsWith(name.toLowerCase() + ":"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
        }
    }

    static void assertOciJson(RawResponse response, int status, String code) {
        assertThat(response.status()).as(response.head()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode error = json(response.body()).get("errors").get(0);
        assertThat(error.get("code").asString()).isEqualTo(code);
        assertThat(error.get("message").asString()).isNotBlank().doesNotContain("Exception", "java.", "org.");
    }

    static void assertProblemJson(RawResponse response, int status, String code) {
        assertThat(response.status()).as(response.head()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = json(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("code").asString()).isEqualTo(code);
        assertThat(problem.get("detail").asString()).isNotBlank().doesNotContain("Exception", "java.", "org.");
    }

    @Test
    void aNulCharacterInThePathIsA400InOciJsonOnV2AndInProblemJsonOnApi() throws IOException {
        RawResponse v2 = exchange(port, "GET /v2/a%00b/tags/list HTTP/1.1\r\nHost: registry\r\nConnection: close\r\n\r\n");
        RawResponse api = exchange(port, "GET /api/v1/projects/a%00b HTTP/1.1\r\nHost: registry\r\nConnection: close\r\n\r\n");

        assertOciJson(v2, 400, "UNSUPPORTED");
        assertThat(v2.body()).contains("%00");
        assertProblemJson(api, 400, "INVALID_INPUT");
    }

    @Test
    void anAuthorizationHeaderOverTheHeaderLimitIsA400InOciJsonOnV2AndInProblemJsonOnApi() throws IOException {
        String huge = "Authorization: Bearer " + "a".repeat(9_000) + "\r\n";

        RawResponse v2 = exchange(port, "GET /v2/ HTTP/1.1\r\nHost: registry\r\n" + huge + "Connection: close\r\n\r\n");
        RawResponse api = exchange(port, "GET /api/v1/users/me HTTP/1.1\r\nHost: registry\r\n" + huge + "Connection: close\r\n\r\n");

        assertOciJson(v2, 400, "UNSUPPORTED");
        assertThat(v2.body()).contains("headers");
        assertProblemJson(api, 400, "INVALID_INPUT");
    }
}
