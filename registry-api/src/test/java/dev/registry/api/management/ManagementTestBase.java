package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import dev.registry.api.access.AccessFixture;
import dev.registry.core.access.ProjectCreator;
import dev.registry.core.access.RobotService;
import dev.registry.core.access.UserService;
import dev.registry.core.audit.AuditService;
import dev.registry.core.project.ProjectService;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Management API tests over real HTTP against the shared test registry: an admin client, the
 * services to build an {@link AccessFixture}, JSON and problem-JSON helpers, and names no other
 * test uses.
 */
@RegistryIntegrationTest
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
abstract class ManagementTestBase {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger NAMES = new AtomicInteger();

    @LocalServerPort
    int port;
    @Autowired
    ProjectService projects;
    @Autowired
    ProjectCreator creator;
    @Autowired
    UserService users;
    @Autowired
    RobotService robots;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AuditService audit;
    @Autowired
    org.springframework.context.ApplicationContext context;

    /** Signs in as the system admin. */
    RegistryClient admin;

    @BeforeEach
    void connect() {
        admin = new RegistryClient(port);
    }

    AccessFixture fixture() {
        return AccessFixture.create(context);
    }

    /** A name no other test uses, e.g. {@code mp-1234-5}. */
    static String unique(String prefix) {
        return prefix + "-" + (System.nanoTime() / 1000 % 100_000) + "-" + NAMES.incrementAndGet();
    }

    static HttpResponse<String> send(RegistryClient client, String method, String path, String jsonBody) {
        return client.send(method, path, jsonBody == null ? null : jsonBody.getBytes(),
                jsonBody == null ? Map.of() : Map.of("Content-Type", "application/json"));
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    static HttpResponse<String> expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as("%s %s: %s", response.request().method(), response.uri(), response.body())
                .isEqualTo(status);
        return response;
    }

    /** Follows a job run started with {@code 202} and a {@code Location} (e.g. {@code POST /api/v1/gc/runs}) until it ends. */
    JsonNode finishedRun(HttpResponse<String> started) throws InterruptedException {
        JsonNode run = json(started);
        String location = started.headers().firstValue("Location").orElseThrow();
        for (int i = 0; i < 400 && run.get("state").asString().equals("RUNNING"); i++) {
            Thread.sleep(50);
            run = json(expect(admin.send("GET", location), 200));
        }
        return run;
    }

    /** Asserts RFC 9457 problem JSON with the status, and (when {@code field} is not null) an error naming the field. */
    static JsonNode assertProblem(HttpResponse<String> response, int status, String field) {
        expect(response, status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        JsonNode problem = json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(problem.get("instance").asString()).isEqualTo(response.uri().getPath());
        if (field != null) {
            assertThat(problem.get("errors")).as(response.body()).isNotNull();
            assertThat(problem.get("errors").valueStream().map(e -> e.get("field").asString())).contains(field);
        }
        return problem;
    }

    /** An image pushed by {@link #pushImage}: its manifest's digest and the sizes of what it is made of. */
    record Pushed(String digest, long manifestSize, long configSize, long layerSize) {
        /** What the management API reports as the artifact's size: the manifest and the blobs it references. */
        long size() {
            return manifestSize + configSize + layerSize;
        }
    }

    /** Pushes a config, one layer of {@code layerSize} bytes and a manifest under {@code tag} as {@code client}. */
    static Pushed pushImage(RegistryClient client, String repository, String tag, int layerSize) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":" + NAMES.incrementAndGet() + "}").getBytes();
        byte[] layer = new byte[layerSize];
        new Random(NAMES.incrementAndGet()).nextBytes(layer);
        String configDigest = client.pushBlob(repository, config);
        String layerDigest = client.pushBlob(repository, layer);
        String manifest = TestImages.ociManifest(configDigest, config.length, layerDigest, layer.length);
        expect(client.pushManifest(repository, tag, TestImages.OCI_MANIFEST, manifest), 201);
        return new Pushed(RegistryClient.digest(manifest.getBytes()), manifest.getBytes().length, config.length, layer.length);
    }
}
