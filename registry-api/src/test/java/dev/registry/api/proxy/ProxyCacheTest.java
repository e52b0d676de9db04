package dev.registry.api.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import dev.registry.api.clients.Cli;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Proxy projects (issue 16) against real upstreams: CNCF Distribution 2.8 ({@code docker-registry}) started by the
 * test on 127.0.0.1, without and with htpasswd, and this registry itself (its Bearer token service). The upstreams'
 * access logs count what the cache asked them.
 */
@RegistryIntegrationTest
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProxyCacheTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path work;
    static DistributionUpstream open;
    static DistributionUpstream locked;
    static DistributionUpstream spare;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    dev.registry.core.artifact.PullTimes pullTimes;
    RegistryClient admin;

    @BeforeAll
    static void upstreams() throws Exception {
        Cli.assumeOnPath("docker-registry");
        open = DistributionUpstream.start(work.resolve("open"), null, null);
        locked = DistributionUpstream.start(work.resolve("locked"), "puller", "Upstream-Secret-1");
        spare = DistributionUpstream.start(work.resolve("spare"), null, null);
    }

    @AfterAll
    static void stopUpstreams() throws InterruptedException {
        for (DistributionUpstream upstream : new DistributionUpstream[] {open, locked, spare}) {
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    @BeforeEach
    void connect() {
        admin = new RegistryClient(port);
    }

    // ---- endpoints API -------------------------------------------------------------------------------------------

    @Test
    void an_endpoints_secret_is_stored_encrypted_and_never_returned() {
        String name = unique("ep");
        HttpResponse<String> created = post("/api/v1/endpoints", Map.of("name", name, "url", locked.url() + "/",
                "username", "puller", "secret", "Upstream-Secret-1"));
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode view = JSON.readTree(created.body());
        assertThat(view.path("url").asString()).isEqualTo(locked.url());
        assertThat(view.path("hasSecret").asBoolean()).isTrue();
        assertThat(view.path("verifyTls").asBoolean()).isTrue();
        assertThat(created.body()).doesNotContain("Upstream-Secret-1");
        assertThat(admin.send("GET", "/api/v1/endpoints").body()).contains(name).doesNotContain("Upstream-Secret-1");
        assertThat(admin.send("GET", "/api/v1/endpoints/" + name).body()).doesNotContain("Upstream-Secret-1");

        // at rest: AES-GCM under the key's id, a fresh nonce each time (the same secret twice reads differently)
        String stored = jdbc.queryForObject("SELECT secret FROM registry_endpoint WHERE name = ?", String.class, name);
        assertThat(stored).doesNotContain("Upstream-Secret-1").matches("[0-9a-f]{8}:[A-Za-z0-9+/=]+");
        patch("/api/v1/endpoints/" + name, Map.of("secret", "Upstream-Secret-1"));
        assertThat(jdbc.queryForObject("SELECT secret FROM registry_endpoint WHERE name = ?", String.class, name)).isNotEqualTo(stored);
    }

    @Test
    void the_test_action_says_whether_the_upstream_answers_and_takes_the_credentials() {
        String good = endpoint(locked, "puller", "Upstream-Secret-1");
        String wrong = endpoint(locked, "puller", "not-it");
        String down = unique("down");
        post("/api/v1/endpoints", Map.of("name", down, "url", "http://127.0.0.1:1"));

        JsonNode ok = JSON.readTree(post("/api/v1/endpoints/" + good + "/test", Map.of()).body());
        assertThat(ok.path("reachable").asBoolean()).isTrue();
        assertThat(ok.path("credentialsAccepted").asBoolean()).isTrue();
        JsonNode refused = JSON.readTree(post("/api/v1/endpoints/" + wrong + "/test", Map.of()).body());
        assertThat(refused.path("reachable").asBoolean()).isTrue();
        assertThat(refused.path("credentialsAccepted").asBoolean()).isFalse();
        assertThat(refused.path("message").asString()).contains("401");
        JsonNode unreachable = JSON.readTree(post("/api/v1/endpoints/" + down + "/test", Map.of()).body());
        assertThat(unreachable.path("reachable").asBoolean()).isFalse();
        assertThat(unreachable.path("message").asString()).contains("could not be reached");
    }

    @Test
    void bad_endpoint_input_gets_problem_json_naming_the_field() {
        HttpResponse<String> badUrl = post("/api/v1/endpoints", Map.of("name", unique("bad"), "url", "ftp://x.example"));
        assertThat(badUrl.statusCode()).isEqualTo(400);
        assertThat(badUrl.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(badUrl.body()).contains("url");
        assertThat(post("/api/v1/endpoints", Map.of("name", unique("bad"), "url", "https://u:p@x.example")).statusCode()).isEqualTo(400);
        assertThat(post("/api/v1/endpoints", Map.of("name", unique("bad"), "url", "https://x.example/v2/")).statusCode()).isEqualTo(400);
        assertThat(post("/api/v1/endpoints", Map.of("name", "Bad Name", "url", "https://x.example")).statusCode()).isEqualTo(400);
        String taken = endpoint(open, null, null);
        assertThat(post("/api/v1/endpoints", Map.of("name", taken, "url", open.url())).statusCode()).isEqualTo(409);
        assertThat(admin.send("GET", "/api/v1/endpoints/" + unique("none")).statusCode()).isEqualTo(404);

        // only system admins see or change endpoints
        assertThat(RegistryClient.anonymous(port).send("GET", "/api/v1/endpoints").statusCode()).isEqualTo(401);

        // an endpoint a proxy project uses cannot go; one no project uses can
        String project = proxyProject(taken);
        HttpResponse<String> used = admin.send("DELETE", "/api/v1/endpoints/" + taken);
        assertThat(used.statusCode()).isEqualTo(409);
        assertThat(used.body()).contains(project);
        String idle = endpoint(open, null, null);
        assertThat(admin.send("DELETE", "/api/v1/endpoints/" + idle).statusCode()).isEqualTo(204);

        // a proxy project of an endpoint that does not exist
        HttpResponse<String> noSuch = post("/api/v1/projects", Map.of("name", unique("px"),
                "proxy", Map.of("endpoints", List.of(unique("missing")))));
        assertThat(noSuch.statusCode()).isEqualTo(400);
        assertThat(noSuch.body()).contains("proxy.endpoints");
    }

    // ---- pull-through --------------------------------------------------------------------------------------------

    @Test
    void a_pull_fetches_once_and_later_pulls_make_no_upstream_request() throws Exception {
        Image image = pushImage(open.client(), "team/app", "1.0", 3, 200_000);
        String project = proxyProject(endpoint(open, null, null));
        String repository = project + "/team/app";

        Pulled first = pull(admin, repository, "1.0");
        assertThat(first.manifestDigest()).isEqualTo(image.manifestDigest());
        assertThat(first.blobDigests()).containsExactlyElementsOf(image.blobDigests());
        assertThat(open.proxyRequests("GET", "/v2/team/app/blobs/")).isEqualTo(image.blobDigests().size());
        long manifestRequests = open.proxyRequests(l -> l.contains("/v2/team/app/manifests/"));
        assertThat(manifestRequests).isEqualTo(1);

        Pulled second = pull(admin, repository, "1.0");
        assertThat(second).isEqualTo(first);
        assertThat(open.proxyRequests("GET", "/v2/team/app/blobs/")).isEqualTo(image.blobDigests().size());
        assertThat(open.proxyRequests(l -> l.contains("/v2/team/app/manifests/"))).isEqualTo(manifestRequests);

        // by digest too, and the management API lists what was cached
        assertThat(admin.send("GET", "/v2/" + repository + "/manifests/" + image.manifestDigest()).statusCode()).isEqualTo(200);
        assertThat(admin.send("GET", "/api/v1/projects/" + project).body()).contains("\"proxy\"", "\"endpoints\"");
    }

    @Test
    void pushing_into_a_proxy_project_is_refused_with_the_reason() {
        String project = proxyProject(endpoint(open, null, null));
        HttpResponse<String> upload = admin.send("POST", "/v2/" + project + "/app/blobs/uploads/");
        assertThat(upload.statusCode()).isEqualTo(403);
        assertThat(upload.body()).contains("DENIED", "proxy cache");
        HttpResponse<String> manifest = admin.pushManifest(project + "/app", "1", TestImages.OCI_MANIFEST, "{}");
        assertThat(manifest.statusCode()).isEqualTo(403);
    }

    @Test
    void a_missing_image_gets_a_clear_answer() {
        String project = proxyProject(endpoint(open, null, null));
        HttpResponse<String> missing = admin.send("GET", "/v2/" + project + "/nothing/here/manifests/1");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("MANIFEST_UNKNOWN", "no upstream has it");
        HttpResponse<String> blob = admin.send("GET", "/v2/" + project + "/nothing/here/blobs/sha256:" + "0".repeat(64));
        assertThat(blob.statusCode()).isEqualTo(404);
        assertThat(blob.body()).contains("BLOB_UNKNOWN");
    }

    @Test
    void an_upstream_with_htpasswd_is_pulled_through_with_the_endpoints_credentials() throws Exception {
        Image image = pushImage(locked.client(), "secure/app", "2", 2, 50_000);
        String project = proxyProject(endpoint(locked, "puller", "Upstream-Secret-1"));
        Pulled pulled = pull(admin, project + "/secure/app", "2");
        assertThat(pulled.manifestDigest()).isEqualTo(image.manifestDigest());
        assertThat(pulled.blobDigests()).containsExactlyElementsOf(image.blobDigests());
    }

    @Test
    void this_registry_as_upstream_is_pulled_through_its_token_service() throws Exception {
        String source = unique("src");
        Image image = pushImage(admin, source + "/app", "v1", 2, 30_000);
        String self = unique("self");
        post("/api/v1/endpoints", Map.of("name", self, "url", "http://127.0.0.1:" + port,
                "username", RegistryIntegrationTest.ADMIN, "secret", RegistryIntegrationTest.ADMIN_PASSWORD));
        String project = proxyProject(self);
        Pulled pulled = pull(admin, project + "/" + source + "/app", "v1");
        assertThat(pulled.manifestDigest()).isEqualTo(image.manifestDigest());
        assertThat(pulled.blobDigests()).containsExactlyElementsOf(image.blobDigests());
    }

    @Test
    void the_referrers_of_a_cached_image_come_along_from_an_upstream_with_the_referrers_api() throws Exception {
        String source = unique("src") + "/signed";
        Image image = pushImage(admin, source, "v1", 1, 10_000);
        long subjectSize = admin.sendForBytes("GET", "/v2/" + source + "/manifests/v1", Map.of()).body().length;
        String emptyConfig = admin.pushBlob(source, "{}".getBytes());
        byte[] signature = ("signature of " + image.manifestDigest()).getBytes();
        String signatureBlob = admin.pushBlob(source, signature);
        String referrer = TestImages.artifactWithSubject("application/vnd.example.signature", emptyConfig, signatureBlob,
                signature.length, image.manifestDigest(), subjectSize);
        String referrerDigest = RegistryClient.digest(referrer.getBytes());
        assertThat(admin.pushManifest(source, referrerDigest, TestImages.OCI_MANIFEST, referrer).statusCode()).isEqualTo(201);

        String self = unique("self");
        post("/api/v1/endpoints", Map.of("name", self, "url", "http://127.0.0.1:" + port,
                "username", RegistryIntegrationTest.ADMIN, "secret", RegistryIntegrationTest.ADMIN_PASSWORD));
        String repository = proxyProject(self) + "/" + source;
        pull(admin, repository, "v1");

        // cached off the pull's path: the proxy project lists it soon after
        Instant deadline = Instant.now().plusSeconds(20);
        String listed = "";
        while (Instant.now().isBefore(deadline) && !listed.contains(referrerDigest)) {
            listed = admin.send("GET", "/v2/" + repository + "/referrers/" + image.manifestDigest()).body();
            Thread.sleep(100);
        }
        assertThat(listed).contains(referrerDigest, "application/vnd.example.signature");
        // its blob comes when asked for, like any cached manifest's
        HttpResponse<byte[]> blob = admin.sendForBytes("GET", "/v2/" + repository + "/blobs/" + signatureBlob, Map.of());
        assertThat(blob.statusCode()).isEqualTo(200);
        assertThat(blob.body()).isEqualTo(signature);
    }

    @Test
    void a_proxy_projects_quota_refuses_a_blob_before_its_first_byte_and_pulls_and_fills_are_audited() throws Exception {
        Image image = pushImage(open.client(), "quota/app", "1", 1, 100_000);
        String name = unique("px");
        HttpResponse<String> created = post("/api/v1/projects", Map.of("name", name, "quotaBytes", 50_000,
                "proxy", Map.of("endpoints", List.of(endpoint(open, null, null)))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String repository = name + "/quota/app";
        assertThat(admin.send("GET", "/v2/" + repository + "/manifests/1").statusCode()).isEqualTo(200);
        HttpResponse<String> layer = admin.send("GET", "/v2/" + repository + "/blobs/" + image.blobDigests().get(1));
        assertThat(layer.statusCode()).isEqualTo(403);
        assertThat(layer.body()).contains("DENIED", "quota");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM blob WHERE digest = ?", Long.class, image.blobDigests().get(1))).isZero();

        // the audit log has the pull and what the cache stored (a push caused by the upstream)
        Instant deadline = Instant.now().plusSeconds(10);
        String audit = "";
        while (Instant.now().isBefore(deadline) && !(audit.contains("\"pull\"") && audit.contains("cached from upstream"))) {
            Thread.sleep(100);
            audit = admin.send("GET", "/api/v1/projects/" + name + "/audit").body();
        }
        assertThat(audit).contains("\"pull\"", "cached from upstream");
    }

    @Test
    void an_index_is_cached_as_fetched_and_each_platforms_manifest_when_it_is_asked_for() throws Exception {
        Image amd64 = pushImage(open.client(), "multi/app", "amd64", 1, 20_000);
        Image arm64 = pushImage(open.client(), "multi/app", "arm64", 1, 20_000);
        long amd64Size = open.client().sendForBytes("GET", "/v2/multi/app/manifests/amd64", Map.of()).body().length;
        long arm64Size = open.client().sendForBytes("GET", "/v2/multi/app/manifests/arm64", Map.of()).body().length;
        String index = TestImages.ociIndex(amd64.manifestDigest(), Long.toString(amd64Size), arm64.manifestDigest(),
                Long.toString(arm64Size));
        assertThat(open.client().pushManifest("multi/app", "2.0", TestImages.OCI_INDEX, index).statusCode()).isEqualTo(201);
        String repository = proxyProject(endpoint(open, null, null)) + "/multi/app";

        HttpResponse<String> fetched = admin.send("GET", "/v2/" + repository + "/manifests/2.0", null,
                Map.of("Accept", TestImages.OCI_INDEX));
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.headers().firstValue("Docker-Content-Digest")).contains(RegistryClient.digest(index.getBytes()));
        // only what a client asks for comes: the arm64 image, by digest, and its blobs
        assertThat(open.proxyRequests("GET", "/v2/multi/app/manifests/" + arm64.manifestDigest())).isZero();
        Pulled arm = pull(admin, repository, arm64.manifestDigest());
        assertThat(arm.blobDigests()).containsExactlyElementsOf(arm64.blobDigests());
        assertThat(open.proxyRequests("GET", "/v2/multi/app/manifests/" + arm64.manifestDigest())).isEqualTo(1);
        assertThat(open.proxyRequests("GET", "/v2/multi/app/manifests/" + amd64.manifestDigest())).isZero();
        assertThat(open.proxyRequests("GET", "/v2/multi/app/blobs/" + amd64.blobDigests().get(1))).isZero();
    }

    @Test
    void retention_by_pulls_deletes_what_the_cache_holds_unpulled_and_a_later_pull_fetches_it_again() throws Exception {
        Image pulledImage = pushImage(open.client(), "kept/app", "1.0", 1, 10_000);
        Image cachedOnly = pushImage(open.client(), "kept/app", "2.0", 1, 10_000);
        String project = proxyProject(endpoint(open, null, null));
        String repository = project + "/kept/app";
        pull(admin, repository, "1.0");
        // a HEAD caches the manifest without pulling it
        assertThat(admin.send("HEAD", "/v2/" + repository + "/manifests/2.0").statusCode()).isEqualTo(200);
        pullTimes.flush();

        String base = "/api/v1/projects/" + project + "/retention";
        HttpResponse<String> policy = admin.send("PUT", base, ("{\"rules\":[{\"template\":\"latestPulled\",\"count\":1,"
                + "\"selection\":{\"repositoryPattern\":\"**\",\"tagPattern\":\"**\",\"untagged\":true}}]}").getBytes(),
                Map.of("Content-Type", "application/json"));
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
        HttpResponse<String> run = admin.send("POST", base + "/executions?dryRun=false");
        assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
        for (JsonNode decision : JSON.readTree(run.body()).path("decisions")) {
            String expected = decision.path("digest").asString().equals(pulledImage.manifestDigest()) ? "RETAIN" : "DELETE";
            assertThat(decision.path("action").asString()).as(decision.toString()).isEqualTo(expected);
        }
        // 2.0 left the cache; pulled again, it comes from the upstream again
        assertThat(jdbc.queryForObject("SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id"
                + " WHERE r.name = ? AND m.digest = ?", Long.class, repository, cachedOnly.manifestDigest())).isZero();
        long fetched = open.proxyRequests("GET", "/v2/kept/app/manifests/2.0");
        assertThat(pull(admin, repository, "2.0").manifestDigest()).isEqualTo(cachedOnly.manifestDigest());
        assertThat(open.proxyRequests("GET", "/v2/kept/app/manifests/2.0")).isEqualTo(fetched + 1);
    }

    @Test
    void an_immutable_cached_tag_keeps_its_digest_when_the_upstream_moves_it() throws Exception {
        Image first = pushImage(open.client(), "pinned/app", "v1", 1, 10_000);
        String project = proxyProject(endpoint(open, null, null));
        String repository = project + "/pinned/app";
        HttpResponse<String> rule = admin.send("POST", "/api/v1/projects/" + project + "/immutability-rules",
                "{\"repositoryPattern\":\"**\",\"tagPattern\":\"v*\"}".getBytes(), Map.of("Content-Type", "application/json"));
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);
        assertThat(pull(admin, repository, "v1").manifestDigest()).isEqualTo(first.manifestDigest());

        pushImage(open.client(), "pinned/app", "v1", 1, 10_000); // moved upstream
        olderTagCheck(repository, "v1");
        assertThat(pull(admin, repository, "v1").manifestDigest()).isEqualTo(first.manifestDigest());
        assertThat(open.proxyRequests("GET", "/v2/pinned/app/manifests/v1")).isEqualTo(2); // it was asked, and refused
        // and is not asked again before the staleness window passes
        assertThat(pull(admin, repository, "v1").manifestDigest()).isEqualTo(first.manifestDigest());
        assertThat(open.proxyRequests(l -> l.contains("/v2/pinned/app/manifests/v1"))).isEqualTo(3); // GET, HEAD, GET
    }

    @Test
    void the_second_upstream_serves_what_the_first_lacks() throws Exception {
        Image image = pushImage(spare.client(), "only/there", "1", 1, 10_000);
        String project = proxyProject(endpoint(open, null, null), endpoint(spare, null, null));
        Pulled pulled = pull(admin, project + "/only/there", "1");
        assertThat(pulled.manifestDigest()).isEqualTo(image.manifestDigest());
        assertThat(open.proxyRequests(l -> l.contains("/v2/only/there/manifests/1"))).isGreaterThanOrEqualTo(1);
        assertThat(spare.proxyRequests("GET", "/v2/only/there/blobs/")).isEqualTo(image.blobDigests().size());
    }

    @Test
    void sixteen_concurrent_pulls_of_one_uncached_blob_make_one_upstream_fetch() throws Exception {
        byte[] big = new byte[64 * 1024 * 1024];
        new Random().nextBytes(big);
        Image image = pushImage(open.client(), "big/layer", "1", List.of(big));
        String project = proxyProject(endpoint(open, null, null));
        String repository = project + "/big/layer";
        assertThat(admin.send("GET", "/v2/" + repository + "/manifests/1").statusCode()).isEqualTo(200);
        String layer = image.blobDigests().get(1);

        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> digests = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Callable<String> pull = () -> sha256Of(http.send(HttpRequest.newBuilder(URI.create(admin.base() + "/v2/"
                                + repository + "/blobs/" + layer)).header("Authorization", RegistryClient.basic(
                                RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD)).build(),
                        HttpResponse.BodyHandlers.ofInputStream()));
                digests.add(pool.submit(pull));
            }
            for (Future<String> digest : digests) {
                assertThat(digest.get()).isEqualTo(layer);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(open.proxyRequests("GET", "/v2/big/layer/blobs/" + layer)).isEqualTo(1);
    }

    @Test
    void concurrent_pulls_of_one_uncached_tag_make_one_upstream_manifest_request() throws Exception {
        Image image = pushImage(open.client(), "herd/app", "1", 1, 10_000);
        String repository = proxyProject(endpoint(open, null, null)) + "/herd/app";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> admin.sendForBytes("GET", "/v2/" + repository + "/manifests/1", Map.of())));
            }
            for (Future<HttpResponse<byte[]>> answer : answers) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
                assertThat(RegistryClient.digest(answer.get().body())).isEqualTo(image.manifestDigest());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(open.proxyRequests("GET", "/v2/herd/app/manifests/1")).isEqualTo(1);
    }

    @Test
    void a_blob_stored_for_another_project_is_not_reachable_through_a_proxy_project_whose_upstream_lacks_it() throws Exception {
        // a private project's layer, in the store
        String secretRepository = unique("private") + "/app";
        byte[] secret = ("private layer " + System.nanoTime()).getBytes();
        String digest = admin.pushBlob(secretRepository, secret);
        String repository = proxyProject(endpoint(open, null, null)) + "/any/thing";

        HttpResponse<String> asked = admin.send("GET", "/v2/" + repository + "/blobs/" + digest);
        assertThat(asked.statusCode()).isEqualTo(404);
        assertThat(asked.body()).contains("BLOB_UNKNOWN").doesNotContain("private layer");
        assertThat(admin.send("HEAD", "/v2/" + repository + "/blobs/" + digest).statusCode()).isEqualTo(404);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM repository_blob l JOIN repository r ON r.id = l.repository_id"
                + " WHERE r.name = ? AND l.digest = ?", Long.class, repository, digest)).isZero();

        // when the upstream has those bytes in that repository, they are linked without being fetched again
        String shared = "shared/layer";
        pushBlob(open.client(), shared, secret);
        String sharedRepository = repository.substring(0, repository.indexOf('/')) + "/" + shared;
        HttpResponse<byte[]> linked = admin.sendForBytes("GET", "/v2/" + sharedRepository + "/blobs/" + digest, Map.of());
        assertThat(linked.statusCode()).isEqualTo(200);
        assertThat(linked.body()).isEqualTo(secret);
        assertThat(open.proxyRequests("HEAD", "/v2/shared/layer/blobs/" + digest)).isEqualTo(1);
        assertThat(open.proxyRequests("GET", "/v2/shared/layer/blobs/" + digest)).isZero();
    }

    @Test
    void a_blob_whose_upstream_bytes_do_not_match_its_digest_is_never_stored_or_served() throws Exception {
        byte[] content = new byte[300_000];
        new Random().nextBytes(content);
        Image image = pushImage(open.client(), "bad/bytes", "1", List.of(content));
        String layer = image.blobDigests().get(1);
        // the upstream's disk goes bad: same length, other bytes (Distribution serves them as they are)
        Path data = open.dataRoot().resolve("docker/registry/v2/blobs/sha256/" + layer.substring(7, 9) + "/" + layer.substring(7) + "/data");
        byte[] corrupt = content.clone();
        corrupt[123_456] ^= 1;
        Files.write(data, corrupt);

        String project = proxyProject(endpoint(open, null, null));
        String repository = project + "/bad/bytes";
        assertThat(admin.send("GET", "/v2/" + repository + "/manifests/1").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> response;
        try {
            response = admin.sendForBytes("GET", "/v2/" + repository + "/blobs/" + layer, Map.of());
        } catch (java.io.UncheckedIOException cut) {
            response = null; // the connection was cut before the last bytes: the client never has the whole blob
        }
        if (response != null) {
            assertThat(response.statusCode()).isNotEqualTo(200);
            assertThat(response.body()).isNotEqualTo(corrupt);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM blob WHERE digest = ?", Long.class, layer)).isZero();
        // and it is not served from a cache later: asked again, the upstream is asked again
        long asked = open.proxyRequests("GET", "/v2/bad/bytes/blobs/" + layer);
        try {
            admin.sendForBytes("GET", "/v2/" + repository + "/blobs/" + layer, Map.of());
        } catch (java.io.UncheckedIOException cut) {
            // as before
        }
        assertThat(open.proxyRequests("GET", "/v2/bad/bytes/blobs/" + layer)).isEqualTo(asked + 1);
    }

    @Test
    void a_moved_tag_is_seen_after_the_staleness_window_and_not_before() throws Exception {
        Image first = pushImage(open.client(), "moving/app", "stable", 1, 20_000);
        String project = proxyProject(endpoint(open, null, null));
        String repository = project + "/moving/app";
        assertThat(pull(admin, repository, "stable").manifestDigest()).isEqualTo(first.manifestDigest());

        Image second = pushImage(open.client(), "moving/app", "stable", 1, 20_000);
        assertThat(second.manifestDigest()).isNotEqualTo(first.manifestDigest());
        long heads = open.proxyRequests("HEAD", "/v2/moving/app/manifests/stable");
        // within registry.proxy.tag-staleness (5 minutes here) the cached tag is served without asking
        assertThat(pull(admin, repository, "stable").manifestDigest()).isEqualTo(first.manifestDigest());
        assertThat(open.proxyRequests("HEAD", "/v2/moving/app/manifests/stable")).isEqualTo(heads);

        // the window passes (the last comparison is made older than it)
        olderTagCheck(repository, "stable");
        assertThat(pull(admin, repository, "stable").manifestDigest()).isEqualTo(second.manifestDigest());
        assertThat(open.proxyRequests("HEAD", "/v2/moving/app/manifests/stable")).isEqualTo(heads + 1);
        // and an unmoved tag past its window costs a HEAD only, no manifest GET
        olderTagCheck(repository, "stable");
        long gets = open.proxyRequests("GET", "/v2/moving/app/manifests/stable");
        assertThat(pull(admin, repository, "stable").manifestDigest()).isEqualTo(second.manifestDigest());
        assertThat(open.proxyRequests("GET", "/v2/moving/app/manifests/stable")).isEqualTo(gets);
        assertThat(open.proxyRequests("HEAD", "/v2/moving/app/manifests/stable")).isEqualTo(heads + 2);
    }

    @Test
    void when_the_upstream_is_down_the_cached_images_pull_and_the_others_get_a_clear_error() throws Exception {
        try (DistributionUpstream flaky = DistributionUpstream.start(work.resolve("flaky"), null, null)) {
            Image cached = pushImage(flaky.client(), "down/app", "1", 2, 40_000);
            Image later = pushImage(flaky.client(), "down/other", "1", 1, 40_000);
            String project = proxyProject(endpoint(flaky, null, null));
            Pulled before = pull(admin, project + "/down/app", "1");

            flaky.stop();
            olderTagCheck(project + "/down/app", "1"); // past its window: the tag would be compared, and cannot be
            assertThat(pull(admin, project + "/down/app", "1")).isEqualTo(before);
            assertThat(pull(admin, project + "/down/app", cached.manifestDigest())).isEqualTo(before);
            HttpResponse<String> uncached = admin.send("GET", "/v2/" + project + "/down/other/manifests/1");
            assertThat(uncached.statusCode()).isEqualTo(503);
            assertThat(uncached.body()).contains("UNAVAILABLE", "is not cached", "could not be reached");

            flaky.start();
            assertThat(pull(admin, project + "/down/other", "1").manifestDigest()).isEqualTo(later.manifestDigest());
        }
    }

    @Test
    void a_mirror_pull_with_ns_is_served_by_the_proxy_project_of_that_host() throws Exception {
        Image image = pushImage(open.client(), "library/mirrored", "1.27", 2, 30_000);
        String host = unique("mirror") + ".example";
        String name = unique("px");
        HttpResponse<String> created = post("/api/v1/projects", Map.of("name", name, "public", true,
                "proxy", Map.of("endpoints", List.of(endpoint(open, null, null)), "mirrorOf", host)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("proxy").path("servesHost").asString()).isEqualTo(host);

        // containerd asks the mirror for the name as the image reference spells it, with ?ns=<its registry>
        RegistryClient anonymous = RegistryClient.anonymous(port);
        HttpResponse<byte[]> manifest = anonymous.sendForBytes("GET", "/v2/library/mirrored/manifests/1.27?ns=" + host,
                Map.of("Accept", TestImages.OCI_MANIFEST));
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(RegistryClient.digest(manifest.body())).isEqualTo(image.manifestDigest());
        for (String digest : image.blobDigests()) {
            HttpResponse<byte[]> blob = anonymous.sendForBytes("GET", "/v2/library/mirrored/blobs/" + digest + "?ns=" + host, Map.of());
            assertThat(blob.statusCode()).isEqualTo(200);
            assertThat(RegistryClient.digest(blob.body())).isEqualTo(digest);
        }
        // it is cached in the proxy project, under the upstream's name
        assertThat(admin.send("GET", "/v2/" + name + "/library/mirrored/manifests/1.27").statusCode()).isEqualTo(200);

        // a host no proxy project serves: 404, so containerd goes on to the next host
        HttpResponse<String> unknown = anonymous.send("GET", "/v2/library/mirrored/manifests/1.27?ns=" + unique("nobody") + ".example");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("NAME_UNKNOWN", "no proxy project serves");
        // two projects cannot serve one host
        HttpResponse<String> twice = post("/api/v1/projects", Map.of("name", unique("px"),
                "proxy", Map.of("endpoints", List.of(endpoint(open, null, null)), "mirrorOf", host)));
        assertThat(twice.statusCode()).isEqualTo(409);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    record Image(String manifestDigest, List<String> blobDigests) {
    }

    record Pulled(String manifestDigest, List<String> blobDigests) {
    }

    /** Pushes an OCI image of {@code layers} random layers of {@code size} bytes (config first in the digests). */
    static Image pushImage(RegistryClient client, String repository, String tag, int layers, int size) {
        List<byte[]> contents = new ArrayList<>();
        Random random = new Random(); // content of this run only: the shared test store keeps blobs between runs
        for (int i = 0; i < layers; i++) {
            byte[] layer = new byte[size];
            random.nextBytes(layer);
            contents.add(layer);
        }
        return pushImage(client, repository, tag, contents);
    }

    static Image pushImage(RegistryClient client, String repository, String tag, List<byte[]> layers) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"" + Instant.now() + "\",\"repo\":\""
                + repository + "\"}").getBytes();
        List<String> digests = new ArrayList<>();
        digests.add(pushBlob(client, repository, config));
        StringBuilder entries = new StringBuilder();
        for (byte[] layer : layers) {
            String digest = pushBlob(client, repository, layer);
            digests.add(digest);
            entries.append(entries.isEmpty() ? "" : ",").append("{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d}"
                    .formatted(TestImages.OCI_LAYER, digest, layer.length));
        }
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d},\"layers\":[%s]}"
                .formatted(TestImages.OCI_MANIFEST, TestImages.OCI_CONFIG, digests.getFirst(), config.length, entries);
        HttpResponse<String> pushed = client.pushManifest(repository, tag, TestImages.OCI_MANIFEST, manifest);
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        return new Image(RegistryClient.digest(manifest.getBytes()), digests);
    }

    /** POST then PUT with the bytes (Distribution 2.8 takes no monolithic POST). */
    static String pushBlob(RegistryClient client, String repository, byte[] content) {
        String digest = RegistryClient.digest(content);
        HttpResponse<String> started = client.send("POST", "/v2/" + repository + "/blobs/uploads/");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        String url = (location.startsWith("http") ? location : client.base() + location) + (location.contains("?") ? "&" : "?")
                + "digest=" + digest;
        HttpResponse<String> put = client.send("PUT", url, content, Map.of("Content-Type", "application/octet-stream"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return digest;
    }

    /** What a client does: the manifest by tag, then every blob it names, each verified against its digest. */
    static Pulled pull(RegistryClient client, String repository, String tag) {
        HttpResponse<byte[]> manifest = client.sendForBytes("GET", "/v2/" + repository + "/manifests/" + tag,
                Map.of("Accept", TestImages.OCI_MANIFEST));
        assertThat(manifest.statusCode()).as(new String(manifest.body())).isEqualTo(200);
        JsonNode parsed = JSON.readTree(manifest.body());
        List<String> blobs = new ArrayList<>();
        blobs.add(parsed.path("config").path("digest").asString());
        parsed.path("layers").forEach(layer -> blobs.add(layer.path("digest").asString()));
        for (String digest : blobs) {
            HttpResponse<byte[]> blob = client.sendForBytes("GET", "/v2/" + repository + "/blobs/" + digest, Map.of());
            assertThat(blob.statusCode()).as(new String(blob.body())).isEqualTo(200);
            assertThat(RegistryClient.digest(blob.body())).isEqualTo(digest);
        }
        return new Pulled(RegistryClient.digest(manifest.body()), blobs);
    }

    /** Makes the tag's last comparison with its upstream older than the staleness window (as time passing would). */
    void olderTagCheck(String repository, String tag) {
        int updated = jdbc.update("UPDATE proxy_tag_check SET checked_at = ? WHERE tag = ? AND repository_id ="
                + " (SELECT id FROM repository WHERE name = ?)", java.sql.Timestamp.from(Instant.now().minus(Duration.ofHours(1))),
                tag, repository);
        assertThat(updated).isEqualTo(1);
    }

    static String sha256Of(HttpResponse<InputStream> response) throws IOException {
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream in = response.body()) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(sha256.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String endpoint(DistributionUpstream upstream, String username, String secret) {
        String name = unique("ep");
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name, "url", upstream.url()));
        if (username != null) {
            body.put("username", username);
            body.put("secret", secret);
        }
        HttpResponse<String> created = post("/api/v1/endpoints", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return name;
    }

    String proxyProject(String... endpoints) {
        String name = unique("px");
        HttpResponse<String> created = post("/api/v1/projects", Map.of("name", name, "proxy", Map.of("endpoints", List.of(endpoints))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return name;
    }

    HttpResponse<String> post(String path, Map<String, ?> body) {
        return admin.send("POST", path, JSON.writeValueAsBytes(body), Map.of("Content-Type", "application/json"));
    }

    HttpResponse<String> patch(String path, Map<String, ?> body) {
        return admin.send("PATCH", path, JSON.writeValueAsBytes(body), Map.of("Content-Type", "application/json"));
    }

    static String unique(String stem) {
        return stem + ProcessHandle.current().pid() + "x" + NAMES.incrementAndGet();
    }
}
