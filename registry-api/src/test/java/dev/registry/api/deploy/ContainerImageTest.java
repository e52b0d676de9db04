package dev.registry.api.deploy;

import static dev.registry.api.RegistryIntegrationTest.ADMIN;
import static dev.registry.api.RegistryIntegrationTest.ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.clients.Cli;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * ISSUE-14 "Container image": the image the Maven build makes with Jib, built for real and run.
 *
 * <p>Once per class: the local JRE base ({@link ImageBase}: Debian's openjdk-21-jre-headless, cached outside the
 * checkout, since no public base can be pulled here) is copied by skopeo into the registry this test starts; the
 * checkout's own Maven build runs {@code package jib:build} (a nested {@code ./mvnw}, tests skipped, jars already
 * up to date are not rewritten) with that base, linux/amd64 only, pushing into the same registry. Then the image is
 * checked from outside: its config as {@code skopeo inspect --config} reads it (user, port, volume, working
 * directory, JVM settings, OCI labels), its layers as the registry serves them (third-party jars, the project's own
 * modules and its classes in separate layers, {@code /data} group-writable), and finally podman pulls it, runs it
 * (the stack notes' settings: runc, host network, vfs, no rlimits) on a free port, and the test probes {@code /v2/}
 * and {@code /actuator/health/readiness} over HTTP and reads the container's process status: not root.
 * Skips when podman or skopeo is missing, or when the base must be made and debootstrap or umoci is missing.
 */
@RegistryIntegrationTest
class ContainerImageTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String PROJECT = "imagetest";
    private static final String SOURCE = "https://example.org/registry-image-test";
    private static final String CONTAINER = "registry-image-test";

    @TempDir
    static Path work;
    /** podman refuses a run root longer than 50 characters, so its short folders live right under /tmp. */
    private static Path shortDir;
    private static Map<String, String> containers;
    private static Path checkout;
    /** The pushed image's reference, once built (the registry's port is known only to an instance). */
    private static String image;

    @LocalServerPort
    int port;

    @BeforeAll
    static void toolsAreInstalled() throws IOException {
        Cli.assumeOnPath("podman");
        Cli.assumeOnPath("skopeo");
        checkout = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        assertThat(checkout.resolve("mvnw")).as("the checkout's Maven wrapper (tests run in registry-api/)").exists();
        shortDir = Files.createTempDirectory(Path.of("/tmp"), "img");
        Map<String, String> environment = new HashMap<>(Cli.isolatedContainersEnvironment(work.resolve("containers")));
        // podman run as root here: crun's rlimit calls are refused, runc with no default ulimits works
        Path conf = Files.writeString(work.resolve("containers.conf"), "[containers]\ndefault_ulimits = []\n");
        environment.put("CONTAINERS_CONF", conf.toString());
        containers = Map.copyOf(environment);
    }

    @AfterAll
    static void removeContainer() throws IOException {
        if (shortDir != null) {
            if (image != null) {
                Cli.run(Duration.ofMinutes(2), containers, work, podman("rm", "--force", "--volumes",
                        "--time", "10", CONTAINER));
            }
            FileSystemUtils.deleteRecursively(shortDir);
        }
    }

    private static List<String> podman(String... arguments) {
        return Cli.podman(work, shortDir, arguments);
    }

    private static Cli.Result run(Duration timeout, List<String> command) {
        return Cli.run(timeout, containers, work, command).assertSuccess();
    }

    /** Builds and pushes the image once for the class; its reference. */
    private synchronized String image() {
        if (image != null) {
            return image;
        }
        Path base = ImageBase.ociLayout(checkout, work.resolve("base"));
        String registry = "127.0.0.1:" + port;
        String baseImage = registry + "/" + PROJECT + "/jre:" + ImageBase.TAG;
        run(Duration.ofMinutes(3), List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false",
                "--dest-creds", ADMIN + ":" + ADMIN_PASSWORD, "oci:" + base + ":" + ImageBase.TAG, "docker://" + baseImage));

        String target = registry + "/" + PROJECT + "/registry:test";
        Map<String, String> maven = Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                "PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        Cli.run(Duration.ofMinutes(8), maven, checkout, List.of("./mvnw", "-B", "-q",
                "-pl", "registry-api", "-am", "package", "jib:build", "-DskipTests",
                // the jar's start-up cache layout is not what Jib packs: not trained here (saves ~30 s)
                "-P!aot-cache",
                "-Dimage=" + target,
                "-Djib.from.image=" + baseImage,
                "-Djib.from.platforms=linux/amd64",
                "-Djib.allowInsecureRegistries=true",
                // the test's registry speaks plain HTTP; Jib sends credentials over it only when told to
                "-DsendCredentialsOverHttp=true",
                "-Djib.from.auth.username=" + ADMIN, "-Djib.from.auth.password=" + ADMIN_PASSWORD,
                "-Djib.to.auth.username=" + ADMIN, "-Djib.to.auth.password=" + ADMIN_PASSWORD,
                "-Dimage.source=" + SOURCE)).assertSuccess();
        image = target;
        return image;
    }

    private JsonNode skopeoInspect(String... options) {
        List<String> command = new ArrayList<>(List.of("skopeo", "inspect", "--tls-verify=false",
                "--creds", ADMIN + ":" + ADMIN_PASSWORD));
        command.addAll(List.of(options));
        command.add("docker://" + image());
        return JSON.readTree(run(Duration.ofMinutes(1), command).stdout());
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    @Test
    void theImageConfigRunsJavaAsUser1000InGroup0OnPort5000WithDataAsVolumeContainerAwareJvmSettingsAndOciLabels()
            throws IOException {
        JsonNode image = skopeoInspect("--config");
        assertThat(image.path("os").asString()).isEqualTo("linux");
        assertThat(image.path("architecture").asString()).isEqualTo("amd64");
        JsonNode config = image.path("config");
        assertThat(config.path("User").asString()).isEqualTo("1000:0");
        assertThat(config.path("WorkingDir").asString()).isEqualTo("/");
        assertThat(config.path("ExposedPorts").propertyNames()).containsExactly("5000/tcp");
        assertThat(config.path("Volumes").propertyNames()).containsExactly("/data");
        assertThat(strings(config.path("Entrypoint"))).containsExactly(
                "java", "-cp", "@/app/jib-classpath-file", "dev.registry.api.RegistryApplication");
        assertThat(strings(config.path("Env"))).contains("MALLOC_ARENA_MAX=2",
                "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=40 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError");

        JsonNode labels = config.path("Labels");
        assertThat(labels.path("org.opencontainers.image.source").asString()).isEqualTo(SOURCE);
        assertThat(labels.path("org.opencontainers.image.version").asString()).isEqualTo(projectVersion());
        assertThat(labels.path("org.opencontainers.image.revision").asString()).isEqualTo(gitRevision());
        // the project declares no license (root pom, README): the label says so in SPDX's words
        assertThat(labels.path("org.opencontainers.image.licenses").asString()).isEqualTo("NOASSERTION");
    }

    @Test
    void theLayersKeepThirdPartyJarsTheProjectsModulesAndItsClassesApartAndDataIsGroupWritable() {
        JsonNode manifest = skopeoInspect("--raw");
        // Docker's format: Jib 3.5 makes a multi-platform index only as a Docker manifest list (registry-api/pom.xml)
        assertThat(manifest.path("mediaType").asString()).isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
        List<String> layers = manifest.path("layers").valueStream().map(l -> l.path("digest").asString()).toList();
        // Jib's layers follow the base's, each named in the history: a code change rebuilds only the small ones
        List<String> jibLayers = skopeoInspect("--config").path("history").valueStream()
                .filter(h -> !h.path("empty_layer").asBoolean(false))
                .filter(h -> h.path("created_by").asString().startsWith("jib-maven-plugin"))
                .map(h -> h.path("comment").asString()).toList();
        assertThat(jibLayers).containsExactly(
                "dependencies", "project dependencies", "resources", "classes", "jvm arg files", "extra files");
        List<String> jibDigests = layers.subList(layers.size() - jibLayers.size(), layers.size());

        List<String> dependencies = layerEntries(jibDigests.get(0));
        assertThat(dependencies).anyMatch(e -> e.matches(".* app/libs/spring-core-[^/]+\\.jar"))
                .noneMatch(e -> e.contains("app/libs/registry-")).noneMatch(e -> e.contains("app/classes/"));
        // the project's own modules as jars (a build that stopped at compile would leave empty folders here)
        List<String> modules = layerEntries(jibDigests.get(1));
        for (String module : List.of("registry-core", "registry-storage", "registry-web")) {
            assertThat(modules).anyMatch(e -> e.matches("-.* app/libs/" + module + "-[^/]+\\.jar"));
        }
        assertThat(modules).noneMatch(e -> e.contains("spring-"));
        assertThat(layerEntries(jibDigests.get(3)))
                .anyMatch(e -> e.endsWith(" app/classes/dev/registry/api/RegistryApplication.class"));
        // /data: root-owned like every Jib layer, group 0 may write (the user's group)
        assertThat(layerEntries(jibDigests.get(4))).anyMatch(e -> e.endsWith(" app/jib-classpath-file"));
        assertThat(layerEntries(jibDigests.get(5))).anyMatch(e -> e.matches("drwxrwxr-x 0/0 .* data/?"));
    }

    /** {@code tar -tv} of a layer blob, fetched from the registry ({@code mode owner/group size date time path}). */
    private List<String> layerEntries(String digest) {
        Path blob = work.resolve("layers").resolve(digest.replace(':', '-') + ".tar.gz");
        try {
            Files.createDirectories(blob.getParent());
            HttpResponse<Path> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/" + PROJECT + "/registry/blobs/" + digest))
                            .header("Authorization", RegistryClient.basic(ADMIN, ADMIN_PASSWORD)).build(),
                    HttpResponse.BodyHandlers.ofFile(blob));
            assertThat(response.statusCode()).isEqualTo(200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String listing = Cli.run(Duration.ofMinutes(1), Map.of(), work,
                List.of("tar", "--numeric-owner", "-tvzf", blob.toString())).assertSuccess().stdout();
        return listing.lines().map(line -> line.replaceAll("\\s+", " ")).toList();
    }

    @Test
    void podmanPullsAndRunsTheImageWhichAnswersV2AndReadinessFromOutsideAsANonRootProcess() throws Exception {
        String reference = image();
        run(Duration.ofMinutes(4), podman("pull", "--quiet", "--tls-verify=false",
                "--creds", ADMIN + ":" + ADMIN_PASSWORD, reference));
        int appPort = freePort();
        run(Duration.ofMinutes(4), podman("run", "--detach", "--name", CONTAINER, "--runtime", "runc",
                "--network", "host", "--env", "SERVER_PORT=" + appPort, "--env", "REGISTRY_ADMIN_PASSWORD=Container-Pw-1",
                reference));

        RegistryClient anonymous = RegistryClient.anonymous(appPort);
        HttpResponse<String> readiness = awaitReadiness(anonymous);
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
        assertThat(JSON.readTree(readiness.body()).path("status").asString()).isEqualTo("UP");

        HttpResponse<String> v2 = anonymous.send("GET", "/v2/", null, Map.of());
        assertThat(v2.statusCode()).isEqualTo(401);
        assertThat(v2.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer realm="));
        // the admin password came in through the environment, the Spring way
        assertThat(new RegistryClient(appPort, ADMIN, "Container-Pw-1").send("GET", "/v2/", null, Map.of())
                .statusCode()).isEqualTo(200);

        // the JVM is process 1, not root: uid 1000, gid 0
        String status = run(Duration.ofMinutes(1), podman("exec", CONTAINER, "cat", "/proc/1/status")).stdout();
        assertThat(status).containsPattern("(?m)^Uid:\\s+1000\\s+1000\\s+1000\\s+1000$")
                .containsPattern("(?m)^Gid:\\s+0\\s+0\\s+0\\s+0$");
        assertThat(run(Duration.ofMinutes(1), podman("exec", CONTAINER, "cat", "/proc/1/cmdline")).stdout())
                .startsWith("java\0");
        // the embedded database and blobs went to /data (working directory /, ./data), written by that user
        String data = run(Duration.ofMinutes(1), podman("exec", CONTAINER, "stat", "-c", "%n %u:%g",
                "/data/db", "/data/blobs")).stdout();
        assertThat(data.lines()).containsExactly("/data/db 1000:0", "/data/blobs 1000:0");
        // the container-aware JVM settings of the image's JAVA_TOOL_OPTIONS were taken
        assertThat(run(Duration.ofMinutes(1), podman("logs", CONTAINER)).stderr())
                .contains("Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=40 -XX:+UseSerialGC");
    }

    /**
     * Polls readiness until it answers 200, the container stops, or 5 minutes pass (start-up takes 10-75 s on
     * 2 cores); the last answer, or the container's log in the failure.
     */
    private HttpResponse<String> awaitReadiness(RegistryClient client) throws InterruptedException {
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(5));
        HttpResponse<String> last = null;
        while (Instant.now().isBefore(giveUp)) {
            try {
                last = client.send("GET", "/actuator/health/readiness", null, Map.of());
                if (last.statusCode() == 200) {
                    return last;
                }
            } catch (UncheckedIOException notListeningYet) {
                // connection refused until Tomcat listens
            }
            String state = run(Duration.ofMinutes(1), podman("inspect", "--format", "{{.State.Status}}", CONTAINER))
                    .stdout().trim();
            if (!state.equals("running")) {
                break;
            }
            Thread.sleep(1000);
        }
        Cli.Result logs = Cli.run(Duration.ofMinutes(1), containers, work, podman("logs", CONTAINER));
        throw new AssertionError("the container did not become ready (last answer: "
                + (last == null ? "none" : last.statusCode() + " " + last.body()) + ")\n" + logs.stdout() + logs.stderr());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String projectVersion() throws IOException {
        try (InputStream in = ContainerImageTest.class.getResourceAsStream("/META-INF/build-info.properties")) {
            assertThat(in).as("META-INF/build-info.properties (spring-boot-maven-plugin build-info)").isNotNull();
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("build.version");
        }
    }

    /** What the image's revision label must say: the checkout's commit, or "unknown" outside a git repository. */
    private static String gitRevision() {
        if (!Cli.onPath("git")) {
            return "unknown";
        }
        Cli.Result head = Cli.run(Duration.ofMinutes(1), Map.of(), checkout,
                List.of("git", "rev-parse", "HEAD"));
        return head.exitCode() == 0 ? head.stdout().trim() : "unknown";
    }
}
