package dev.registry.api.proxy;

import dev.registry.api.RegistryClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * CNCF Distribution 2.8 ({@code docker-registry}, Debian) on 127.0.0.1 as a proxy project's upstream: its own data
 * folder, optionally htpasswd (bcrypt) authentication, and its access log, from which a test counts the requests the
 * proxy cache made (its User-Agent is {@code registry-proxy-cache}). Stop and start it again on the same port and
 * data to play an upstream outage.
 */
public final class DistributionUpstream implements AutoCloseable {

    public static final String PROXY_AGENT = "registry-proxy-cache";

    private final Path dir;
    private final int port;
    private final String username;
    private final String password;
    private Process process;

    private DistributionUpstream(Path dir, int port, String username, String password) {
        this.dir = dir;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /** Starts one; {@code username} null for no authentication. */
    public static DistributionUpstream start(Path dir, String username, String password) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        StringBuilder config = new StringBuilder("""
                version: 0.1
                log:
                  level: info
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve("data"), port));
        if (username != null) {
            Files.writeString(dir.resolve("htpasswd"), username + ":" + new BCryptPasswordEncoder().encode(password) + "\n");
            config.append("auth:\n  htpasswd:\n    realm: upstream\n    path: ").append(dir.resolve("htpasswd")).append('\n');
        }
        Files.writeString(dir.resolve("config.yml"), config);
        DistributionUpstream upstream = new DistributionUpstream(dir, port, username, password);
        upstream.start();
        return upstream;
    }

    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("access.log").toFile()))
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            try {
                if (client().send("GET", "/v2/").statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry ended: " + Files.readString(dir.resolve("access.log")));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("docker-registry did not answer on port " + port);
    }

    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A client of this upstream, signed in when it has authentication. */
    public RegistryClient client() {
        return new RegistryClient(port, username, password);
    }

    public Path dataRoot() {
        return dir.resolve("data");
    }

    /**
     * Requests the proxy cache made whose access-log line (method, path) matches. Distribution writes a request's line
     * once its handler returned, which may be just after the client read the last byte: the count is read until it
     * stays the same for 200 ms (at most 5 s).
     */
    public long proxyRequests(Predicate<String> line) throws IOException {
        long count = count(line);
        Instant deadline = Instant.now().plusSeconds(5);
        while (Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long again = count(line);
            if (again == count) {
                break;
            }
            count = again;
        }
        return count;
    }

    private long count(Predicate<String> line) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("access.log"), StandardCharsets.UTF_8);
        return lines.stream().filter(l -> l.contains("\"" + PROXY_AGENT + "\"") && l.contains(" \"")).filter(line).count();
    }

    /** Requests the proxy cache made with this method for a path starting with this prefix. */
    public long proxyRequests(String method, String pathPrefix) throws IOException {
        return proxyRequests(l -> l.contains("\"" + method + " " + pathPrefix));
    }
}
