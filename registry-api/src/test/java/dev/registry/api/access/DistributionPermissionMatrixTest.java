package dev.registry.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every caller × every {@code /v2} action, with Basic credentials and with Bearer tokens from the
 * token endpoint (Docker registry token spec), against a literal table of what each may do:
 * Harbor's role semantics (docs/permissions.md), robots' listed permissions, an outsider trying
 * to reach another project's manifests, blobs (by digest and by mount) and tags, and disabled or
 * expired robots refused outright.
 */
@RegistryIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributionPermissionMatrixTest {

    /** What each caller may do in the fixture's (private) project; "pull-other" is the other project. */
    private static final Map<String, Set<String>> EXPECTED = new LinkedHashMap<>();

    static {
        Set<String> all = Set.of("pull-manifest", "pull-blob", "head-blob", "list-tags", "referrers", "push-blob",
                "push-manifest", "delete-tag", "delete-manifest", "delete-blob");
        Set<String> pull = Set.of("pull-manifest", "pull-blob", "head-blob", "list-tags", "referrers");
        Set<String> push = union(pull, Set.of("push-blob", "push-manifest"));
        EXPECTED.put("anonymous", Set.of());
        EXPECTED.put("admin", union(all, Set.of("pull-other", "mount-from-other")));
        EXPECTED.put("project-admin", all);
        EXPECTED.put("maintainer", all);
        EXPECTED.put("developer", push);
        EXPECTED.put("guest", pull);
        EXPECTED.put("limited-guest", pull);
        EXPECTED.put("outsider", Set.of("pull-other"));
        EXPECTED.put("robot-pull", pull);
        EXPECTED.put("robot-push", push);
        EXPECTED.put("robot-other-project", Set.of("pull-other"));
        EXPECTED.put("system-robot", union(pull, Set.of("pull-other")));
        EXPECTED.put("robot-disabled", Set.of());
        EXPECTED.put("robot-expired", Set.of());
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger SEEDS = new AtomicInteger(1000);

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcTemplate jdbc;

    private AccessFixture fixture;
    private RegistryClient admin;
    private String repo;
    private String otherRepo;
    private Image image;
    private Image otherImage;

    record Image(String manifestDigest, String configDigest, String layerDigest) {
    }

    @BeforeAll
    void pushContent() {
        fixture = AccessFixture.create(context);
        admin = new RegistryClient(port);
        repo = fixture.project + "/team/app";
        otherRepo = fixture.otherProject + "/team/app";
        image = push(repo, "1.0");
        otherImage = push(otherRepo, "1.0");
    }

    static Stream<Arguments> callers() {
        return Stream.of("basic", "bearer").flatMap(mode -> EXPECTED.keySet().stream().map(caller -> Arguments.of(mode, caller)));
    }

    @ParameterizedTest(name = "{1} with {0} credentials may do exactly what the table says")
    @MethodSource("callers")
    void everyCallerMayDoExactlyWhatTheTableSays(String mode, String caller) {
        Map<String, Boolean> outcome = new LinkedHashMap<>();
        outcome.put("pull-manifest", ok(call(mode, caller, "pull", repo, "GET", "/v2/" + repo + "/manifests/1.0", null), 200));
        outcome.put("pull-blob", ok(call(mode, caller, "pull", repo, "GET", "/v2/" + repo + "/blobs/" + image.layerDigest(), null), 200));
        outcome.put("head-blob", ok(call(mode, caller, "pull", repo, "HEAD", "/v2/" + repo + "/blobs/" + image.configDigest(), null), 200));
        outcome.put("list-tags", ok(call(mode, caller, "pull", repo, "GET", "/v2/" + repo + "/tags/list", null), 200));
        outcome.put("referrers", ok(call(mode, caller, "pull", repo, "GET", "/v2/" + repo + "/referrers/" + image.manifestDigest(), null), 200));
        byte[] blob = ("blob of " + caller + " " + mode + " " + SEEDS.incrementAndGet()).getBytes();
        outcome.put("push-blob", ok(call(mode, caller, "pull,push", repo, "POST",
                "/v2/" + repo + "/blobs/uploads/?digest=" + RegistryClient.digest(blob), blob), 201));
        Image fresh = push(repo, "fresh-" + SEEDS.incrementAndGet());
        String manifest = TestImages.ociManifest(fresh.configDigest(), size(fresh.configDigest()), fresh.layerDigest(),
                size(fresh.layerDigest()));
        outcome.put("push-manifest", ok(callWithType(mode, caller, "pull,push", repo, "PUT",
                "/v2/" + repo + "/manifests/" + caller + "-" + mode, manifest.getBytes()), 201));
        String tag = "to-untag-" + SEEDS.incrementAndGet();
        push(repo, tag);
        outcome.put("delete-tag", ok(call(mode, caller, "delete", repo, "DELETE", "/v2/" + repo + "/manifests/" + tag, null), 202));
        Image doomed = push(repo, "doomed-" + SEEDS.incrementAndGet());
        outcome.put("delete-manifest", ok(call(mode, caller, "delete", repo, "DELETE",
                "/v2/" + repo + "/manifests/" + doomed.manifestDigest(), null), 202));
        // a blob no manifest uses (deleting a manifest unlinks the blobs only it used, so not doomed's layer)
        String loose = admin.pushBlob(repo, ("loose blob of " + caller + " " + mode + " " + SEEDS.incrementAndGet()).getBytes());
        outcome.put("delete-blob", ok(call(mode, caller, "delete", repo, "DELETE", "/v2/" + repo + "/blobs/" + loose, null), 202));
        outcome.put("pull-other", ok(call(mode, caller, "pull", otherRepo, "GET", "/v2/" + otherRepo + "/manifests/1.0", null), 200));
        // a mount from the other project: only a caller who may pull there and push here gets 201
        String mountTarget = repo + "-mount-" + SEEDS.incrementAndGet();
        HttpResponse<String> mount = callMount(mode, caller, mountTarget);
        outcome.put("mount-from-other", mount.statusCode() == 201);
        if (mount.statusCode() != 201) {
            assertThat(admin.send("HEAD", "/v2/" + mountTarget + "/blobs/" + otherImage.layerDigest()).statusCode())
                    .as("a refused mount links nothing").isEqualTo(404);
        }

        Set<String> allowed = new TreeSet<>();
        outcome.forEach((op, done) -> {
            if (done) {
                allowed.add(op);
            }
        });
        assertThat(allowed).as("what %s may do with %s credentials (all outcomes: %s)", caller, mode, outcome)
                .isEqualTo(new TreeSet<>(EXPECTED.get(caller)));
    }

    static Stream<Arguments> hiddenProjectRequests() {
        return Stream.of("outsider", "robot-other-project").flatMap(caller -> Stream.of(
                Arguments.of(caller, "GET", "/manifests/1.0"), Arguments.of(caller, "GET", "/tags/list"),
                Arguments.of(caller, "GET", "/blobs/" + ZERO_DIGEST), Arguments.of(caller, "GET", "/referrers/" + ZERO_DIGEST),
                Arguments.of(caller, "DELETE", "/manifests/1.0")));
    }

    private static final String ZERO_DIGEST = "sha256:" + "0".repeat(64);

    /**
     * Issue 11, security 7: a signed-in outsider must not learn that a private project exists. Its
     * answer for the fixture's private project and for one that does not exist (a name of the same
     * length) are byte for byte the same once the name is replaced.
     */
    @ParameterizedTest(name = "{0}: {1} <repository>{2} says the same for a hidden and a missing project")
    @MethodSource("hiddenProjectRequests")
    void anOutsiderGetsTheSameAnswerForAHiddenProjectAsForAMissingOne(String caller, String method, String path) {
        String missing = "x" + fixture.project.substring(1);
        RegistryClient outsider = fixture.basic(port, caller);

        HttpResponse<String> hidden = outsider.send(method, "/v2/" + fixture.project + "/team/app" + path);
        HttpResponse<String> absent = outsider.send(method, "/v2/" + missing + "/team/app" + path);

        assertThat(hidden.statusCode()).as(hidden.body()).isIn(403, 404);
        assertThat(absent.statusCode()).as(absent.body()).isEqualTo(hidden.statusCode());
        assertThat(absent.body().replace(missing, "P")).isEqualTo(hidden.body().replace(fixture.project, "P"));
    }

    @org.junit.jupiter.api.Test
    void aRobotPushingIntoAHiddenProjectGetsTheSameAnswerAsForAMissingOne() {
        String missing = "x" + fixture.project.substring(1);
        RegistryClient robot = fixture.basic(port, "robot-other-project");

        HttpResponse<String> hidden = robot.send("POST", "/v2/" + fixture.project + "/team/app/blobs/uploads/", null, Map.of());
        HttpResponse<String> absent = robot.send("POST", "/v2/" + missing + "/team/app/blobs/uploads/", null, Map.of());

        assertThat(hidden.statusCode()).as(hidden.body()).isEqualTo(403);
        assertThat(absent.statusCode()).as(absent.body()).isEqualTo(403);
        assertThat(absent.body().replace(missing, "P")).isEqualTo(hidden.body().replace(fixture.project, "P"));
    }

    /** A denial must be an OCI error with 401 (and a challenge), 403 or 404; never a success, never a 5xx. */
    private static boolean ok(HttpResponse<String> response, int success) {
        if (response.statusCode() == success) {
            return true;
        }
        assertThat(response.statusCode()).as(response.request().method() + " " + response.uri() + ": " + response.body())
                .isIn(401, 403, 404);
        if (response.statusCode() == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm="));
        }
        if (!response.request().method().equals("HEAD")) {
            assertThat(response.body()).contains("\"errors\"");
        }
        return false;
    }

    private HttpResponse<String> call(String mode, String caller, String actions, String repository, String method, String path,
                                      byte[] body) {
        return client(mode, caller, "repository:" + repository + ":" + actions)
                .send(method, path, body, body == null ? Map.of() : Map.of("Content-Type", "application/octet-stream"));
    }

    private HttpResponse<String> callWithType(String mode, String caller, String actions, String repository, String method,
                                              String path, byte[] body) {
        return client(mode, caller, "repository:" + repository + ":" + actions)
                .send(method, path, body, Map.of("Content-Type", TestImages.OCI_MANIFEST));
    }

    private HttpResponse<String> callMount(String mode, String caller, String target) {
        RegistryClient client = client(mode, caller, "repository:" + target + ":pull,push", "repository:" + otherRepo + ":pull");
        return client.send("POST", "/v2/" + target + "/blobs/uploads/?mount=" + otherImage.layerDigest() + "&from=" + otherRepo,
                null, Map.of());
    }

    /** Basic: the caller's credentials on every request. Bearer: a token for the scopes from /service/token. */
    private RegistryClient client(String mode, String caller, String... scopes) {
        if (mode.equals("basic")) {
            return fixture.basic(port, caller);
        }
        StringBuilder query = new StringBuilder("/service/token?service=registry");
        for (String scope : scopes) {
            query.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        HttpResponse<String> token = fixture.basic(port, caller).send("GET", query.toString());
        if (token.statusCode() != 200) {
            // a disabled or expired robot gets no token at all
            assertThat(token.statusCode()).as(token.body()).isEqualTo(401);
            assertThat(caller).isIn("robot-disabled", "robot-expired");
            return fixture.basic(port, caller);
        }
        return RegistryClient.withAuthorization(port, "Bearer " + JSON.readTree(token.body()).get("token").asString());
    }

    private Image push(String repository, String tag) {
        int seed = SEEDS.incrementAndGet();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}").getBytes();
        byte[] layer = new byte[500 + seed % 500];
        new Random(seed).nextBytes(layer);
        String configDigest = admin.pushBlob(repository, config);
        String layerDigest = admin.pushBlob(repository, layer);
        sizes.put(configDigest, (long) config.length);
        sizes.put(layerDigest, (long) layer.length);
        String manifest = TestImages.ociManifest(configDigest, config.length, layerDigest, layer.length);
        HttpResponse<String> put = admin.pushManifest(repository, tag, TestImages.OCI_MANIFEST, manifest);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return new Image(put.headers().firstValue("Docker-Content-Digest").orElseThrow(), configDigest, layerDigest);
    }

    private final Map<String, Long> sizes = new java.util.concurrent.ConcurrentHashMap<>();

    private long size(String digest) {
        return sizes.get(digest);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }
}
