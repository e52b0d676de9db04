package dev.registry.api.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import dev.registry.api.clients.Cli;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, "Rolling updates that no client notices": two registry processes (real JVMs, so a real SIGTERM) on one
 * PostgreSQL database and one blob folder, behind nginx configured with {@code deploy/nginx/registry.conf} (docs/deploy.md:
 * round robin, nginx's default passive health check {@code max_fails=1 fail_timeout=10s}, the proxy settings a registry needs). Restarted one after the other
 * ("wait until ready, then stop the next") under a push and pull loop through nginx: no client operation fails. Before
 * {@code registry.shutdown.drain-delay} a replica stopped listening at SIGTERM, nginx marked it down for 10 s, and when
 * the other one stopped inside those 10 s nginx answered 502 (9 and 11 of ~85 pulls). A 256 MiB upload sent straight to
 * a replica when it gets SIGTERM finishes (graceful drain after the delay). With requests on Tomcat's platform threads
 * a push was lost at the end of the drain in 5 of ~10 runs until {@code StopListening} closed the listening socket
 * before Spring Boot's graceful shutdown paused the connector (nginx: connection reset, a 502 for the POST).
 */
@ExtendWith(SharedPostgres.class)
class RollingRestartTest {

    /** Above nginx's fail_timeout (10 s): the replica stopped before is no longer marked down when this one stops. */
    private static final Duration DRAIN = Duration.ofSeconds(11);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    private static Path blobs;
    private static Replica a;
    private static Replica b;
    private static Process nginx;
    private static int nginxPort;

    /** One registry process. */
    static final class Replica {
        final String name;
        final int port;
        Process process;

        Replica(String name) throws IOException {
            this.name = name;
            this.port = freePort();
        }

        void start() throws Exception {
            // the application's own classes and dependencies: the test classes stay out of its component scan
            String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .filter(entry -> !entry.contains("test-classes")).collect(Collectors.joining(File.pathSeparator));
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                    "dev.registry.api.RegistryApplication",
                    "--server.port=" + port, "--server.address=127.0.0.1",
                    "--spring.main.banner-mode=off", "--logging.level.root=warn",
                    "--logging.level.dev.registry.api.config.ShutdownDrain=info",
                    "--spring.datasource.hikari.maximum-pool-size=6",
                    "--registry.storage.filesystem.root=" + blobs,
                    "--registry.admin.password=" + RegistryIntegrationTest.ADMIN_PASSWORD,
                    "--registry.projects.create-on-push=true",
                    "--registry.shutdown.drain-delay=" + DRAIN.toSeconds() + "s",
                    "--spring.lifecycle.timeout-per-shutdown-phase=120s",
                    "--server.forward-headers-strategy=native"));
            command.addAll(SharedPostgres.database().arguments());
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
            Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
            while (!ready()) {
                assertThat(process.isAlive()).as("replica %s exited while starting; see %s", name, dir.resolve(name + ".log")).isTrue();
                assertThat(Instant.now()).as("replica %s ready in time", name).isBefore(deadline);
                Thread.sleep(250);
            }
        }

        boolean ready() {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** SIGTERM, then the time it took to exit; while it drains, readiness must say DOWN and requests still be served. */
        Duration stop(AtomicBoolean reportedNotReadyWhileServing) throws Exception {
            Instant signalled = Instant.now();
            process.destroy(); // SIGTERM
            while (process.isAlive()) {
                try {
                    HttpResponse<Void> readiness = HTTP.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    String served = headOfAnswer(port, "/v2/");
                    // not ready, still serving, and closing each connection after its answer (no kept-alive connection
                    // of a proxy is left to this replica when it stops listening)
                    if (readiness.statusCode() == 503 && served.startsWith("HTTP/1.1 401")
                            && served.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n")) {
                        reportedNotReadyWhileServing.set(true);
                    }
                } catch (IOException e) {
                    // it stopped listening: draining or gone
                }
                process.waitFor(200, TimeUnit.MILLISECONDS);
            }
            return Duration.between(signalled, Instant.now());
        }
    }

    /** The status line and headers of a GET, read off a plain socket (HttpClient hides the Connection header). */
    static String headOfAnswer(int port, String path) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            InputStream in = socket.getInputStream();
            for (int b; (b = in.read()) >= 0 && head.indexOf("\r\n\r\n") < 0; ) {
                head.append((char) b);
            }
            return head.toString();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Cli.assumeOnPath("nginx");
        blobs = Files.createDirectories(dir.resolve("blobs"));
        a = new Replica("a");
        b = new Replica("b");
        a.start(); // the first runs the migrations, the second finds them applied
        b.start();
        nginxPort = freePort();
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        // deploy/nginx/registry.conf as docs/deploy.md gives it (round robin, nginx's default passive check), with
        // this test's replicas and a plain-HTTP listener on 127.0.0.1 in place of the example addresses and TLS
        Path conf = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy/nginx/registry.conf");
        String registryConf = Files.readString(conf)
                .replace("server 10.0.0.11:5000;", "server 127.0.0.1:" + a.port + ";")
                .replace("server 10.0.0.12:5000;", "server 127.0.0.1:" + b.port + ";")
                .replace("listen 443 ssl;", "listen 127.0.0.1:" + nginxPort + ";")
                .replaceAll("(?m)^\\s*ssl_certificate.*$", "");
        assertThat(registryConf).contains("127.0.0.1:" + a.port, "127.0.0.1:" + b.port, "listen 127.0.0.1:" + nginxPort)
                .doesNotContain("ssl");
        Files.writeString(prefix.resolve("registry.conf"), registryConf);
        Files.writeString(prefix.resolve("nginx.conf"), """
                daemon off;
                user root;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/registry.conf;
                }
                """.formatted(prefix));
        nginx = new ProcessBuilder("nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        Instant deadline = Instant.now().plusSeconds(30);
        while (!answers401(nginxPort)) {
            assertThat(nginx.isAlive()).as("nginx running; its output: %s %s", Files.readString(prefix.resolve("stdout.log")),
                    Files.exists(prefix.resolve("error.log")) ? Files.readString(prefix.resolve("error.log")) : "").isTrue();
            assertThat(Instant.now()).as("nginx up").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static boolean answers401(int port) {
        try {
            return RegistryClient.anonymous(port).send("GET", "/v2/").statusCode() == 401;
        } catch (java.io.UncheckedIOException e) {
            return false; // not listening yet
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.destroy(); // SIGTERM: the master stops its workers (SIGKILL would leave them running, holding the port)
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
        for (Process p : new Process[] {a == null ? null : a.process, b == null ? null : b.process}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aRollingRestartBehindNginxFailsNoPushOrPullAndAnUploadInFlightAtSigtermFinishes() throws Exception {
        RegistryClient client = new RegistryClient(nginxPort, RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD);
        String repository = "rolling" + HexFormat.of().toHexDigits((int) System.nanoTime()) + "/app";
        pushImage(client, repository, 0); // something to pull from the start
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger operations = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            for (int i = 1; running.get(); i++) {
                try {
                    pushImage(client, repository, i);
                    operations.incrementAndGet();
                    pullImage(client, repository, i / 2);
                    operations.incrementAndGet();
                } catch (Throwable e) {
                    failures.add(Instant.now() + " operation " + i + ": " + e.getMessage());
                }
            }
        });

        // a 256 MiB upload straight to replica a, sent slowly enough to be in flight when it gets SIGTERM
        CompletableFuture<HttpResponse<String>> upload = CompletableFuture.supplyAsync(() -> uploadSlowly(a.port, repository));
        Thread.sleep(2000);
        AtomicBoolean aDrained = new AtomicBoolean();
        Duration aStop = a.stop(aDrained);
        a.start();
        AtomicBoolean bDrained = new AtomicBoolean();
        Duration bStop = b.stop(bDrained);
        b.start();
        Thread.sleep(3000);
        running.set(false);
        load.get(2, TimeUnit.MINUTES);

        assertThat(failures).as("client operations through nginx that failed during the rolling restart (of %d)", operations.get())
                .isEmpty();
        assertThat(operations.get()).isGreaterThan(20);
        assertThat(aDrained).as("a reported not ready while still serving after SIGTERM").isTrue();
        assertThat(bDrained).as("b reported not ready while still serving after SIGTERM").isTrue();
        assertThat(aStop).isGreaterThanOrEqualTo(DRAIN);
        assertThat(bStop).isGreaterThanOrEqualTo(DRAIN);
        HttpResponse<String> uploaded = upload.get(3, TimeUnit.MINUTES);
        assertThat(uploaded.statusCode()).as("the upload a got SIGTERM during: %s", uploaded.body()).isEqualTo(201);
        String digest = uploaded.headers().firstValue("Docker-Content-Digest").orElseThrow();
        assertThat(client.send("HEAD", "/v2/" + repository + "/blobs/" + digest).headers().firstValue("Content-Length"))
                .hasValue(String.valueOf(UPLOAD_SIZE));
    }

    private static void pushImage(RegistryClient client, String repository, int i) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("layer " + i).repeat(200).getBytes(StandardCharsets.UTF_8);
        String configDigest = client.pushBlob(repository, config);
        String layerDigest = client.pushBlob(repository, layer);
        HttpResponse<String> put = client.pushManifest(repository, "t" + i, TestImages.OCI_MANIFEST,
                TestImages.ociManifest(configDigest, config.length, layerDigest, layer.length));
        if (put.statusCode() != 201) {
            throw new AssertionError("manifest push: " + put.statusCode() + " " + put.body());
        }
    }

    private static void pullImage(RegistryClient client, String repository, int i) {
        HttpResponse<String> manifest = client.send("GET", "/v2/" + repository + "/manifests/t" + i, null,
                Map.of("Accept", TestImages.OCI_MANIFEST));
        if (manifest.statusCode() != 200) {
            throw new AssertionError("manifest pull: " + manifest.statusCode() + " " + manifest.body());
        }
        String layer = manifest.body().replaceAll("(?s).*\"layers\":\\[\\{[^}]*\"digest\":\"([^\"]+)\".*", "$1");
        HttpResponse<byte[]> blob = client.sendForBytes("GET", "/v2/" + repository + "/blobs/" + layer, Map.of());
        if (blob.statusCode() != 200) {
            throw new AssertionError("blob pull: " + blob.statusCode());
        }
    }

    private static final long UPLOAD_SIZE = 256L << 20;

    /** A monolithic 256 MiB upload at about 16 MiB/s (about 16 s), with the digest computed beforehand. */
    private static HttpResponse<String> uploadSlowly(int port, String repository) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1 << 20];
            for (long sent = 0; sent < UPLOAD_SIZE; sent += chunk.length) {
                Arrays.fill(chunk, (byte) (sent >> 20));
                sha.update(chunk);
            }
            String digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
            InputStream slow = new InputStream() {
                long sent;
                final byte[] one = new byte[1];

                @Override
                public int read() {
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] buffer, int off, int len) {
                    if (sent >= UPLOAD_SIZE) {
                        return -1;
                    }
                    if (sent % (1 << 20) == 0) {
                        try {
                            Thread.sleep(60);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    int n = (int) Math.min(len, Math.min(UPLOAD_SIZE - sent, (1 << 20) - sent % (1 << 20)));
                    Arrays.fill(buffer, off, off + n, (byte) (sent >> 20));
                    sent += n;
                    return n;
                }
            };
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/" + repository
                                    + "/blobs/uploads/?digest=" + digest))
                            .header("Authorization", RegistryClient.basic(RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD))
                            .header("Content-Type", "application/octet-stream")
                            .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> slow), UPLOAD_SIZE))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("the upload failed: " + e, e);
        }
    }
}
