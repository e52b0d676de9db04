package dev.registry.api.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.storage.s3.S3BlobStore;
import dev.registry.storage.s3.S3Settings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Issue 14: readiness answers within the probe's timeout even while S3 or the database hangs. A "black hole" server
 * accepts connections and never answers (what a stuck S3 endpoint or database looks like to a client); the real S3 client
 * and the real PostgreSQL driver are pointed at it. The checks answer DOWN with "no answer within", and a second probe
 * while the first check still hangs waits for that check instead of opening another connection.
 */
class HangingDependencyHealthTest {

    private ServerSocket blackHole;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    @BeforeEach
    void openBlackHole() throws IOException {
        blackHole = new ServerSocket(0);
        Thread.ofVirtual().start(() -> {
            while (!blackHole.isClosed()) {
                try {
                    accepted.add(blackHole.accept()); // and never a byte back
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void close() throws IOException {
        blackHole.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }

    @Test
    void aHangingS3EndpointMakesTheBlobStoreCheckDownWithinItsLimit() throws Exception {
        URI endpoint = URI.create("http://127.0.0.1:" + blackHole.getLocalPort());
        try (S3BlobStore store = S3BlobStore.create(new S3Settings("bucket", "", "us-east-1", endpoint, true, "key", "secret",
                false, null, null, null, 5L << 20))) {
            TimeLimitedHealth.Check check = new TimeLimitedHealth.Check(Duration.ofMillis(800), () -> {
                store.checkHealth();
                return Health.up().build();
            });

            Health first = check.health();
            Health second = check.health();

            assertThat(first.getStatus()).isEqualTo(Status.DOWN);
            assertThat(first.getDetails()).containsEntry("error", "no answer within PT0.8S");
            assertThat(second.getStatus()).isEqualTo(Status.DOWN);
            assertThat(accepted).as("connections the checks opened to the hanging endpoint").hasSize(1);
        }
    }

    @Test
    void aHangingDatabaseMakesTheDatabaseCheckDownWithinItsLimit() {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:postgresql://127.0.0.1:" + blackHole.getLocalPort() + "/registry?loginTimeout=60", "registry", "x");
        JdbcTemplate jdbc = new JdbcTemplate(db);
        TimeLimitedHealth.Check check = new TimeLimitedHealth.Check(Duration.ofMillis(800), () -> {
            jdbc.queryForObject("SELECT 1", Integer.class);
            return Health.up().build();
        });

        Health first = check.health();
        Health second = check.health();

        assertThat(first.getStatus()).isEqualTo(Status.DOWN);
        assertThat(first.getDetails()).containsEntry("error", "no answer within PT0.8S");
        assertThat(second.getStatus()).isEqualTo(Status.DOWN);
        assertThat(accepted).as("connections the checks opened to the hanging database").hasSize(1);
    }
}
