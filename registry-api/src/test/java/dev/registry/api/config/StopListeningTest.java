package dev.registry.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryApplication;
import dev.registry.api.RegistryIntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 14 (rolling updates that no client notices), the step {@link StopListening} adds to a graceful stop: once the
 * registry stops listening, a connection it accepted before still gets its request served. Spring Boot's graceful
 * shutdown alone pauses the connector as it closes the socket, and Tomcat closed such a connection with its request
 * unread (behind nginx: a 502 for a push; RollingRestartTest). A registry of its own, since the test stops it.
 */
@ExtendWith(OutputCaptureExtension.class)
class StopListeningTest {

    @TempDir
    static Path dir;

    @Test
    void aConnectionAcceptedBeforeTheSocketClosedIsServedAfterIt(CapturedOutput output) throws Exception {
        ConfigurableApplicationContext registry = new SpringApplicationBuilder(RegistryApplication.class)
                .registerShutdownHook(false).run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=warn",
                        "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db/registry")
                                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE",
                        "--registry.storage.filesystem.root=" + dir.resolve("blobs"),
                        "--registry.admin.password=" + RegistryIntegrationTest.ADMIN_PASSWORD);
        int port = ((WebServerApplicationContext) registry).getWebServer().getPort();
        CompletableFuture<Void> stopped = null;
        try (Socket accepted = new Socket("127.0.0.1", port)) {
            accepted.setSoTimeout(10_000);
            Thread.sleep(200); // Tomcat's acceptor has taken it; no request on it yet

            stopped = CompletableFuture.runAsync(registry::close);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (listening(port)) {
                assertThat(Instant.now()).as("the registry stops listening").isBefore(deadline);
                Thread.sleep(2);
            }
            accepted.getOutputStream().write("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = head(accepted.getInputStream());

            // the OCI distribution spec's API version check, answered as usual: 401 with a challenge
            assertThat(head).as("the answer on a connection accepted before the registry stopped listening")
                    .startsWith("HTTP/1.1 401");
            assertThat(head.toLowerCase(Locale.ROOT)).contains("\r\nconnection: close\r\n");
        } finally {
            if (stopped == null) {
                registry.close();
            } else {
                stopped.get(60, TimeUnit.SECONDS);
            }
        }
        // the socket was closed under Tomcat's acceptor (StopListening): its failed accept() is not an error to report
        assertThat(output.getAll()).doesNotContain("org.apache.tomcat");
    }

    private static boolean listening(int port) {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException other) {
            return false;
        }
    }

    /** The status line and headers; empty when the connection was closed before an answer. */
    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        try {
            for (int b; head.indexOf("\r\n\r\n") < 0 && (b = in.read()) >= 0; ) {
                head.append((char) b);
            }
        } catch (java.net.SocketException reset) {
            return head + " (" + reset.getMessage() + ")";
        }
        return head.toString();
    }
}
