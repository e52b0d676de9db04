package dev.registry.api.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryApplication;
import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import dev.registry.api.console.Browser;
import dev.registry.api.metrics.MeteredBlobStore;
import dev.registry.api.s3.RegistryOnS3;
import dev.registry.storage.BlobStore;
import dev.registry.storage.s3.InProcessS3;
import dev.registry.storage.s3.S3BlobStore;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two replicas of the registry, A and B: two Spring application contexts of the whole
 * application in this JVM, each with its own web server (port), connection pool, blob store
 * instance (and so its own per-process upload hash cache) and scheduler, sharing only what a real
 * deployment shares: one PostgreSQL database (the same URL and schema, from {@link SharedPostgres}:
 * a container where Docker runs, else the local server, else this class is skipped with the reason)
 * and one bucket and prefix on one S3 server. Blob GETs are not redirected, so B streams from S3
 * what A stored.
 *
 * <p>Nothing in the application is static and mutable (no static caches or registries), so the two
 * contexts share nothing in memory but what the JVM shares anyway; {@link
 * #eachReplicaHasItsOwnStoreAndPoolOnTheSameDatabaseAndBucket} checks the beans that matter.
 */
@ExtendWith(SharedPostgres.class)
class TwoReplicasTest {

    static final String BUCKET = "replicas";
    static final String PREFIX = "shared";
    static final int MIB = 1024 * 1024;

    private static InProcessS3 s3;
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();
    private static Replica a;
    private static Replica b;

    /** One registry: its context and a client on its port. */
    record Replica(String name, ConfigurableApplicationContext context, int port, RegistryClient client) {

        static Replica start(String name, InProcessS3 s3) {
            List<String> arguments = new ArrayList<>(List.of(
                    "--server.port=0",
                    "--spring.main.banner-mode=off",
                    "--spring.application.name=registry-" + name,
                    "--spring.datasource.hikari.maximum-pool-size=8",
                    "--logging.level.root=warn",
                    // the clean-up job runs every second on both replicas, so its job lock is exercised
                    "--registry.uploads.cleanup-interval=1s"));
            arguments.addAll(SharedPostgres.database().arguments()); // the same URL and schema for both
            arguments.addAll(RegistryOnS3.arguments(RegistryOnS3.properties(s3, BUCKET, PREFIX, false)));
            ConfigurableApplicationContext context = new SpringApplicationBuilder(RegistryApplication.class)
                    .registerShutdownHook(false)
                    .run(arguments.toArray(String[]::new));
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            return new Replica(name, context, port, new RegistryClient(port));
        }

        HttpResponse<String> get(String path, String accept) {
            return client.send("GET", path, null, accept == null ? Map.of() : Map.of("Accept", accept));
        }

        /** The digest the replica serves for {@code repository:reference} right now. */
        String manifestDigest(String repository, String reference) {
            HttpResponse<String> r = client.send("HEAD", "/v2/" + repository + "/manifests/" + reference, null,
                    Map.of("Accept", TestImages.OCI_MANIFEST));
            assertThat(r.statusCode()).as("HEAD %s:%s on %s", repository, reference, name).isEqualTo(200);
            return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
        }
    }

    @BeforeAll
    static void startReplicas() throws Exception {
        s3 = InProcessS3.start();
        s3.createBucket(BUCKET);
        // one after the other: the first runs the Flyway migrations, the second finds them applied
        a = Replica.start("a", s3);
        b = Replica.start("b", s3);
    }

    @AfterAll
    static void stopReplicas() throws Exception {
        for (Replica replica : Arrays.asList(a, b)) {
            if (replica != null) {
                replica.context().close();
            }
        }
        if (s3 != null) {
            s3.close();
        }
    }

    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A config and one layer pushed through {@code via}; returns the manifest naming them (not pushed). */
    static String imageBlobs(Replica via, String repository, long seed, int layerSize) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}").getBytes();
        byte[] layer = bytes(layerSize, seed);
        String configDigest = via.client().pushBlob(repository, config);
        String layerDigest = via.client().pushBlob(repository, layer);
        return TestImages.ociManifest(configDigest, config.length, layerDigest, layer.length);
    }

    static String pushManifest(Replica via, String repository, String reference, String manifest) {
        HttpResponse<String> put = via.client().pushManifest(repository, reference, TestImages.OCI_MANIFEST, manifest);
        assertThat(put.statusCode()).as("PUT manifest %s:%s on %s: %s", repository, reference, via.name(), put.body())
                .isEqualTo(201);
        return put.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    @Test
    void eachReplicaHasItsOwnStoreAndPoolOnTheSameDatabaseAndBucket() throws Exception {
        assertThat(a.port()).isNotEqualTo(b.port());
        BlobStore storeA = ((MeteredBlobStore) a.context().getBean(BlobStore.class)).delegate();
        BlobStore storeB = ((MeteredBlobStore) b.context().getBean(BlobStore.class)).delegate();
        assertThat(storeA).isInstanceOf(S3BlobStore.class).isNotSameAs(storeB);
        assertThat(((S3BlobStore) storeA).settings()).isEqualTo(((S3BlobStore) storeB).settings());
        DataSource poolA = a.context().getBean(DataSource.class);
        DataSource poolB = b.context().getBean(DataSource.class);
        assertThat(poolA).isNotSameAs(poolB);
        try (Connection ca = poolA.getConnection(); Connection cb = poolB.getConnection()) {
            assertThat(ca.getMetaData().getURL()).isEqualTo(cb.getMetaData().getURL()).startsWith("jdbc:postgresql:");
            assertThat(ca.getSchema()).isEqualTo(cb.getSchema()).startsWith("registry_");
        }
    }

    @Test
    void anImagePushedThroughAIsPulledThroughBByTagAndByDigest() {
        String repository = "replicas/team/push-pull";
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes();
        byte[] layer = bytes(7 * MIB + 3, 1); // two parts in S3 (5 MiB part size)
        String configDigest = a.client().pushBlob(repository, config);
        String layerDigest = a.client().pushBlob(repository, layer);
        String manifest = TestImages.ociManifest(configDigest, config.length, layerDigest, layer.length);
        String digest = pushManifest(a, repository, "1.0", manifest);

        for (String reference : List.of("1.0", digest)) {
            HttpResponse<String> pulled = b.get("/v2/" + repository + "/manifests/" + reference, TestImages.OCI_MANIFEST);
            assertThat(pulled.statusCode()).as("GET manifest %s on B", reference).isEqualTo(200);
            assertThat(pulled.body()).isEqualTo(manifest);
            assertThat(pulled.headers().firstValue("Docker-Content-Digest")).contains(digest);
        }
        HttpResponse<String> head = b.client().send("HEAD", "/v2/" + repository + "/blobs/" + layerDigest);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(layer.length);
        HttpResponse<byte[]> blob = b.client().sendForBytes("GET", "/v2/" + repository + "/blobs/" + layerDigest, Map.of());
        assertThat(blob.statusCode()).isEqualTo(200);
        assertThat(blob.body()).isEqualTo(layer);
        assertThat(b.client().sendForBytes("GET", "/v2/" + repository + "/blobs/" + configDigest, Map.of()).body())
                .isEqualTo(config);
        assertThat(b.get("/v2/" + repository + "/tags/list", null).body()).contains("\"1.0\"");
    }

    /**
     * POST and a first PATCH on A, a PATCH on B, the final PUT (with a last chunk) on A. A's
     * in-memory digest of the upload stops covering it once B appended, so A's commit must verify
     * by reading the assembled bytes back; the blob is then served by both.
     */
    @Test
    void aChunkedUploadStartedOnAContinuedOnBIsFinishedOnA() {
        String repository = "replicas/team/chunked";
        byte[] content = bytes(3 * MIB + (6 * MIB + 1) + (MIB + 7), 2);
        int first = 3 * MIB;
        int second = first + 6 * MIB + 1;

        HttpResponse<String> start = a.client().send("POST", "/v2/" + repository + "/blobs/uploads/");
        assertThat(start.statusCode()).isEqualTo(202);
        String location = start.headers().firstValue("Location").orElseThrow();
        location = patch(a, location, content, 0, first);

        HttpResponse<String> status = b.client().send("GET", location);
        assertThat(status.statusCode()).as("upload status on B").isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).contains("0-" + (first - 1));
        location = patch(b, location, content, first, second);

        String digest = RegistryClient.digest(content);
        HttpResponse<String> put = a.client().send("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + digest,
                Arrays.copyOfRange(content, second, content.length), Map.of("Content-Type", "application/octet-stream"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("Docker-Content-Digest")).contains(digest);

        for (Replica replica : List.of(a, b)) {
            HttpResponse<byte[]> blob = replica.client().sendForBytes("GET", "/v2/" + repository + "/blobs/" + digest, Map.of());
            assertThat(blob.statusCode()).as("GET blob on %s", replica.name()).isEqualTo(200);
            assertThat(blob.body()).isEqualTo(content);
        }
        assertThat(b.client().send("GET", location).statusCode()).as("the finished upload is gone on B too").isEqualTo(404);
    }

    private static String patch(Replica via, String location, byte[] content, int from, int to) {
        HttpResponse<String> patch = via.client().send("PATCH", location, Arrays.copyOfRange(content, from, to),
                Map.of("Content-Type", "application/octet-stream", "Content-Range", from + "-" + (to - 1)));
        assertThat(patch.statusCode()).as("PATCH %d-%d on %s: %s", from, to - 1, via.name(), patch.body()).isEqualTo(202);
        assertThat(patch.headers().firstValue("Range")).contains("0-" + (to - 1));
        return patch.headers().firstValue("Location").orElseThrow();
    }

    /**
     * The same tag pushed with two different manifests through A and B at the same moment (both
     * threads released by one latch), several times: both pushes succeed, and afterwards both
     * replicas serve the same digest for the tag, one of the two.
     */
    @Test
    void theSameTagPushedThroughBothAtOnceEndsTheSameOnBoth() throws Exception {
        String repository = "replicas/team/race";
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 8; round++) {
                String manifestA = imageBlobs(a, repository, 100 + 2L * round, 2048);
                String manifestB = imageBlobs(b, repository, 101 + 2L * round, 2048);
                String digestA = RegistryClient.digest(manifestA.getBytes());
                String digestB = RegistryClient.digest(manifestB.getBytes());
                CountDownLatch ready = new CountDownLatch(2);
                CountDownLatch go = new CountDownLatch(1);
                Future<String> viaA = pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return pushManifest(a, repository, "latest", manifestA);
                });
                Future<String> viaB = pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return pushManifest(b, repository, "latest", manifestB);
                });
                assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
                go.countDown();
                assertThat(viaA.get(60, TimeUnit.SECONDS)).isEqualTo(digestA);
                assertThat(viaB.get(60, TimeUnit.SECONDS)).isEqualTo(digestB);

                String onA = a.manifestDigest(repository, "latest");
                String onB = b.manifestDigest(repository, "latest");
                assertThat(onA).as("round %d: the tag on A and on B", round).isEqualTo(onB).isIn(digestA, digestB);
                // the losing manifest is still there by digest, on both
                for (Replica replica : List.of(a, b)) {
                    assertThat(replica.manifestDigest(repository, digestA)).isEqualTo(digestA);
                    assertThat(replica.manifestDigest(repository, digestB)).isEqualTo(digestB);
                }
            }
        }
        String tags = b.get("/v2/" + repository + "/tags/list", null).body();
        assertThat(tags).as("one tag, listed once").isEqualTo("{\"name\":\"" + repository + "\",\"tags\":[\"latest\"]}");
    }

    /** No replica caches tags: B answers with the new digest on the very next request after A moved the tag. */
    @Test
    void aTagMovedOnAIsSeenOnBByTheNextRequest() {
        String repository = "replicas/team/moving";
        for (int i = 0; i < 5; i++) {
            String manifest = imageBlobs(i % 2 == 0 ? a : b, repository, 200 + i, 1024);
            String digest = pushManifest(a, repository, "stable", manifest);
            assertThat(b.manifestDigest(repository, "stable")).as("move %d", i).isEqualTo(digest);
            HttpResponse<String> pulled = b.get("/v2/" + repository + "/manifests/stable", TestImages.OCI_MANIFEST);
            assertThat(pulled.body()).isEqualTo(manifest);
        }
    }

    /**
     * Both replicas sign and verify tokens with the one key in the database (the first replica to
     * start generated it; the second read it): a token from A's token endpoint pushes through B,
     * B refuses the same push without it, and a refresh token from B works on A.
     */
    @Test
    void aTokenIssuedByAIsAcceptedByBAndARefreshTokenOfBByA() {
        String repository = "tokens/app";
        String scope = java.net.URLEncoder.encode("repository:" + repository + ":pull,push", java.nio.charset.StandardCharsets.UTF_8);
        String token = JSON.readTree(a.client().send("GET", "/service/token?service=registry&scope=" + scope).body())
                .get("token").asString();
        RegistryClient bWithAsToken = RegistryClient.withAuthorization(b.port(), "Bearer " + token);
        byte[] config = "{\"replica\":\"token\"}".getBytes();

        String pushed = bWithAsToken.pushBlob(repository, config);
        HttpResponse<String> anonymous = RegistryClient.anonymous(b.port()).send("POST",
                "/v2/" + repository + "/blobs/uploads/", null, java.util.Map.of());
        String refresh = JSON.readTree(b.client().send("GET", "/service/token?service=registry&offline_token=true&scope=" + scope)
                .body()).get("refresh_token").asString();
        HttpResponse<String> exchanged = RegistryClient.anonymous(a.port()).send("POST", "/service/token",
                ("grant_type=refresh_token&service=registry&refresh_token=" + refresh + "&scope=" + scope).getBytes(),
                java.util.Map.of("Content-Type", "application/x-www-form-urlencoded"));

        assertThat(pushed).isEqualTo(RegistryClient.digest(config));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm="));
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
    }

    /**
     * Issue 13, "Security tests": a console session keeps working when the next request is served
     * by a second application instance on the same PostgreSQL (Spring Session JDBC): signed in on
     * A, the same cookie opens the projects page on B; signing out on B ends the session on A too.
     */
    @Test
    void aConsoleSessionStartedOnAWorksOnBAndSigningOutOnBEndsItOnA() {
        Browser onA = new Browser(a.port());
        HttpResponse<String> signedIn = onA.signIn(RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD);
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location").orElseThrow()).endsWith("/projects");
        String session = onA.cookie(Browser.SESSION);
        assertThat(session).isNotNull();

        Browser onB = new Browser(b.port());
        onB.setCookie(Browser.SESSION, session);
        HttpResponse<String> projectsOnB = onB.get("/projects");
        assertThat(projectsOnB.statusCode()).as("the projects page on B with A's session").isEqualTo(200);
        assertThat(projectsOnB.body()).contains("<title>Projects · registry</title>",
                "<span class=\"me\">" + RegistryIntegrationTest.ADMIN + "</span>");

        assertThat(onA.get("/projects").statusCode()).as("still signed in on A").isEqualTo(200);

        HttpResponse<String> signedOutOnB = onB.post("/logout", true); // the CSRF token of B's page, kept in the session
        assertThat(signedOutOnB.statusCode()).isEqualTo(302);
        assertThat(signedOutOnB.headers().firstValue("Location").orElseThrow()).endsWith("/login?signed-out");

        HttpResponse<String> projectsOnA = onA.get("/projects");
        assertThat(projectsOnA.statusCode()).as("A after sign-out on B").isEqualTo(302);
        assertThat(projectsOnA.headers().firstValue("Location").orElseThrow()).contains("/login");
    }

    /**
     * Periodic jobs (upload clean-up now; retention and GC later) take their lock in PostgreSQL:
     * while A holds a job's lock, B cannot take it; once A lets go, B can.
     */
    @Test
    void aJobLockHeldByAIsNotGrantedToBUntilAReleasesIt() {
        var config = new net.javacrumbs.shedlock.core.LockConfiguration(java.time.Instant.now(), "two-replicas-test",
                java.time.Duration.ofMinutes(5), java.time.Duration.ZERO);
        var providerOfA = a.context().getBean(net.javacrumbs.shedlock.core.LockProvider.class);
        var providerOfB = b.context().getBean(net.javacrumbs.shedlock.core.LockProvider.class);

        var heldByA = providerOfA.lock(config);
        var triedByB = providerOfB.lock(config);
        heldByA.orElseThrow().unlock();
        var afterRelease = providerOfB.lock(config);

        assertThat(heldByA).isPresent();
        assertThat(triedByB).isEmpty();
        assertThat(afterRelease).isPresent();
        afterRelease.get().unlock();
    }

    @Test
    void theUploadCleanUpRunsUnderItsJobLock() throws InterruptedException {
        var jdbc = a.context().getBean(org.springframework.jdbc.core.JdbcTemplate.class);
        java.util.List<String> holders = java.util.List.of();
        for (int i = 0; i < 100 && holders.isEmpty(); i++) {
            holders = jdbc.queryForList("SELECT locked_by FROM shedlock WHERE name = 'upload-cleanup'", String.class);
            Thread.sleep(100);
        }

        // one row: whichever replica ran it first holds it for at least a minute, the other skips
        assertThat(holders).hasSize(1);
    }
}
