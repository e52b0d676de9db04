package dev.registry.api.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryApplication;
import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 11, Faults 1: the database goes away under a registry and comes back. While it is away
 * every request that needs it is answered 503 with {@code Retry-After}, in the protocol's format
 * (the OCI error envelope with {@code UNAVAILABLE} on {@code /v2} and {@code /service/token},
 * problem JSON on {@code /api}), including the requests whose first database access is in the
 * authentication filter; readiness is DOWN. Once it is back the same process serves again, and
 * every image acknowledged before, during and after the outage pulls back by digest.
 *
 * <p>Runs against a PostgreSQL of its own ({@link PrivatePostgres}), since it stops the server;
 * skipped with the reason where none can run.
 */
class DatabaseOutageTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String REPOSITORY = "outage/app";

    private static PrivatePostgres postgres;
    private static ConfigurableApplicationContext registry;
    private static Path blobs;
    private static int port;

    /** An image the registry acknowledged (201 on its manifest). */
    record Pushed(String manifestDigest, String manifest, List<String> blobDigests, List<byte[]> blobs) {
    }

    @BeforeAll
    static void start() throws Exception {
        var reason = PrivatePostgres.unavailableReason();
        Assumptions.assumeTrue(reason.isEmpty(), () -> "no private PostgreSQL: " + reason.orElse(""));
        postgres = PrivatePostgres.start();
        blobs = Files.createTempDirectory("registry-outage-blobs");
        registry = new SpringApplicationBuilder(RegistryApplication.class).registerShutdownHook(false).run(
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--spring.datasource.url=" + postgres.jdbcUrl(),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                "--spring.datasource.hikari.maximum-pool-size=4",
                "--registry.storage.filesystem.root=" + blobs,
                "--registry.admin.password=" + RegistryIntegrationTest.ADMIN_PASSWORD,
                "--registry.projects.create-on-push=true",
                "--logging.level.root=error");
        port = ((WebServerApplicationContext) registry).getWebServer().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (blobs != null) {
            try (var files = Files.walk(blobs)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aDatabaseOutageIsA503InTheProtocolsFormatAndEveryAcknowledgedImageSurvivesIt() throws Exception {
        // given: images pushed, a token, and a pull/push loop running
        RegistryClient admin = new RegistryClient(port);
        List<Pushed> acknowledged = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 3; i++) {
            acknowledged.add(push(admin, "before-" + i, i));
        }
        Pushed first = acknowledged.getFirst();
        String scope = URLEncoder.encode("repository:" + REPOSITORY + ":pull,push", StandardCharsets.UTF_8);
        String token = JSON.readTree(admin.send("GET", "/service/token?service=registry&scope=" + scope).body())
                .get("token").asString();
        RegistryClient bearer = RegistryClient.withAuthorization(port, "Bearer " + token);
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService loop = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> traffic = loop.submit(() -> pushAndPullUntilStopped(running, acknowledged));

            // when: the database stops
            postgres.stopServer();

            // then: each kind of request that needs it is a 503 in its protocol's format
            String manifestPath = "/v2/" + REPOSITORY + "/manifests/" + first.manifestDigest();
            String blobPath = "/v2/" + REPOSITORY + "/blobs/" + first.blobDigests().getLast();
            Map<String, String> accept = Map.of("Accept", TestImages.OCI_MANIFEST);
            assertUnavailableOci(admin.send("GET", manifestPath, null, accept), "manifest pull with Basic");
            assertUnavailableOci(bearer.send("GET", manifestPath, null, accept), "manifest pull with Bearer");
            assertUnavailableOci(admin.send("GET", blobPath), "blob pull with Basic");
            assertUnavailableOci(bearer.send("GET", blobPath), "blob pull with Bearer");
            assertUnavailableOci(admin.send("GET", "/v2/" + REPOSITORY + "/tags/list"), "tag list");
            assertUnavailableOci(new RegistryClient(port, "admin", "wrong-Password-1").send("GET", manifestPath, null, accept),
                    "wrong credentials");
            assertUnavailableOci(admin.send("GET", "/service/token?service=registry&scope=" + scope), "token request");
            assertUnavailableOci(admin.send("POST", "/v2/" + REPOSITORY + "/blobs/uploads/"), "upload POST");
            assertUnavailableProblem(admin.send("GET", "/api/v1/projects"), "management request with credentials");
            HttpResponse<String> readiness = admin.send("GET", "/actuator/health/readiness");
            assertThat(readiness.statusCode()).as("readiness while the database is down: %s", readiness.body()).isEqualTo(503);
            assertThat(JSON.readTree(readiness.body()).get("status").asString()).isEqualTo("DOWN");

            // when: it comes back
            postgres.startServer();

            // then: the same process serves again
            awaitReady(admin);
            for (int i = 0; i < 3; i++) {
                acknowledged.add(push(admin, "after-" + i, 100 + i));
            }
            running.set(false);
            assertThat(traffic.get(5, TimeUnit.MINUTES)).as("images the loop pushed").isPositive();
        } finally {
            running.set(false);
            loop.shutdownNow();
        }
        for (Pushed image : List.copyOf(acknowledged)) {
            HttpResponse<String> manifest = admin.send("GET", "/v2/" + REPOSITORY + "/manifests/" + image.manifestDigest(), null,
                    Map.of("Accept", TestImages.OCI_MANIFEST));
            assertThat(manifest.statusCode()).as("manifest %s", image.manifestDigest()).isEqualTo(200);
            assertThat(manifest.body()).isEqualTo(image.manifest());
            for (int b = 0; b < image.blobDigests().size(); b++) {
                HttpResponse<byte[]> blob = admin.sendForBytes("GET", "/v2/" + REPOSITORY + "/blobs/" + image.blobDigests().get(b),
                        Map.of());
                assertThat(blob.statusCode()).as("blob %s", image.blobDigests().get(b)).isEqualTo(200);
                assertThat(blob.body()).isEqualTo(image.blobs().get(b));
            }
        }
    }

    /** Pushes and pulls until stopped, ignoring refusals; records what was acknowledged; returns how many. */
    private static int pushAndPullUntilStopped(AtomicBoolean running, List<Pushed> acknowledged) {
        RegistryClient client = new RegistryClient(port);
        int pushed = 0;
        for (int i = 0; running.get(); i++) {
            try {
                Pushed image = push(client, "loop-" + i, 1000 + i);
                acknowledged.add(image);
                pushed++;
                client.send("GET", "/v2/" + REPOSITORY + "/manifests/" + image.manifestDigest(), null,
                        Map.of("Accept", TestImages.OCI_MANIFEST));
            } catch (AssertionError | RuntimeException refused) {
                sleep(100); // the outage: try again
            }
        }
        return pushed;
    }

    private static Pushed push(RegistryClient client, String tag, long seed) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}").getBytes();
        byte[] layer = new byte[4096 + (int) seed % 1000];
        new Random(seed).nextBytes(layer);
        String configDigest = client.pushBlob(REPOSITORY, config);
        String layerDigest = client.pushBlob(REPOSITORY, layer);
        String manifest = TestImages.ociManifest(configDigest, config.length, layerDigest, layer.length);
        HttpResponse<String> put = client.pushManifest(REPOSITORY, tag, TestImages.OCI_MANIFEST, manifest);
        if (put.statusCode() != 201) {
            throw new AssertionError("manifest push " + tag + ": " + put.statusCode() + " " + put.body());
        }
        return new Pushed(put.headers().firstValue("Docker-Content-Digest").orElseThrow(), manifest,
                List.of(configDigest, layerDigest), List.of(config, layer));
    }

    private static void assertUnavailableOci(HttpResponse<String> response, String what) {
        assertThat(response.statusCode()).as("%s: %s", what, response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).as("%s: Retry-After", what).isPresent();
        assertThat(response.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode error = JSON.readTree(response.body()).get("errors").get(0);
        assertThat(error.get("code").asString()).as(what).isEqualTo("UNAVAILABLE");
        assertThat(error.get("message").asString()).as(what).doesNotContain("Exception");
    }

    private static void assertUnavailableProblem(HttpResponse<String> response, String what) {
        assertThat(response.statusCode()).as("%s: %s", what, response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).as("%s: Retry-After", what).isPresent();
        assertThat(response.headers().firstValue("Content-Type")).as(what).contains("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("code").asString()).as(what).isEqualTo("UNAVAILABLE");
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asString()).as(what).doesNotContain("Exception");
    }

    /** Waits (at most two minutes, not a timing assertion) until readiness is UP again. */
    private static void awaitReady(RegistryClient client) {
        for (int i = 0; i < 240; i++) {
            if (client.send("GET", "/actuator/health/readiness").statusCode() == 200) {
                return;
            }
            sleep(500);
        }
        throw new AssertionError("readiness did not come back after the database restarted");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
