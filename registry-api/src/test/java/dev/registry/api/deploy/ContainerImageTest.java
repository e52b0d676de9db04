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
import java.util.zip.ZipFile;
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
 * ISSUE-14 "Container image" and ISSUE-15 target 1 (the image carries the start-up cache): the image
 * {@code deploy/image/build.sh} makes, built for real and run.
 *
 * <p>Once per class: the local JRE base ({@link ImageBase}: Debian's openjdk-25-jre-headless, cached outside the
 * checkout, since no public base can be pulled here) is copied by skopeo into the registry this test starts; the
 * checkout's {@code deploy/image/build.sh} runs the checkout's own Maven build ({@code package jib:buildTar}, a nested
 * {@code ./mvnw}, tests skipped, jars already up to date are not rewritten) on that base for this machine's platform,
 * then {@code podman build} of {@code deploy/image/Containerfile}, which trains the JDK's ahead-of-time cache inside
 * the image, and pushes the result into the same registry. Then the image is checked from outside: its config as
 * {@code skopeo inspect --config} reads it (user, port, volume, working directory, JVM settings with the cache, OCI
 * labels), its layers as the registry serves them (third-party jars, the project's own modules, its classes as a jar
 * and the cache in separate layers, a class path of jars only, {@code /data} group-writable), and finally podman
 * pulls it, runs it (the stack notes' settings: runc, host network, vfs, no rlimits; a 512 MiB memory limit) on a
 * free port, and the test probes {@code /v2/} and {@code /actuator/health/readiness} over HTTP, reads the container's
 * process status (not root) and its memory maps (the cache is mapped); then once more with the actuator on a port of
 * its own, as the Helm chart runs it, where the image starts from its AOT-generated bean definitions.
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
        // the push takes its credentials from podman's auth file, as a user's would after podman login
        run(Duration.ofMinutes(1), podman("login", "--tls-verify=false", "--username", ADMIN,
                "--password", ADMIN_PASSWORD, registry));

        String target = registry + "/" + PROJECT + "/registry:test";
        Map<String, String> environment = new HashMap<>(containers);
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        // the builder: podman on the test's own storage, runc (see the class comment)
        environment.put("BUILDER", String.join(" ", podman("--runtime", "runc")));
        Instant start = Instant.now();
        Cli.run(Duration.ofMinutes(12), environment, checkout, List.of("deploy/image/build.sh",
                "--from", baseImage,
                "--to", "docker://" + target,
                "--tag", "localhost/registry:test",
                "--insecure",
                "--",
                "-q",
                // the test's registry speaks plain HTTP; Jib sends credentials over it only when told to
                "-DsendCredentialsOverHttp=true",
                "-Djib.from.auth.username=" + ADMIN, "-Djib.from.auth.password=" + ADMIN_PASSWORD,
                "-Dimage.source=" + SOURCE)).assertSuccess();
        System.out.println("deploy/image/build.sh took " + Duration.between(start, Instant.now()).toSeconds() + " s");
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
    void theImageConfigRunsJavaAsUser1000InGroup0OnPort5000WithDataAsVolumeTheStartupCacheContainerAwareJvmSettingsAndOciLabels()
            throws IOException {
        JsonNode image = skopeoInspect("--config");
        assertThat(image.path("os").asString()).isEqualTo("linux");
        assertThat(image.path("architecture").asString()).isEqualTo(machineArchitecture());
        JsonNode config = image.path("config");
        assertThat(config.path("User").asString()).isEqualTo("1000:0");
        assertThat(config.path("WorkingDir").asString()).isEqualTo("/");
        assertThat(config.path("ExposedPorts").propertyNames()).containsExactly("5000/tcp");
        assertThat(config.path("Volumes").propertyNames()).containsExactly("/data");
        assertThat(strings(config.path("Entrypoint"))).containsExactly(
                "java", "-cp", "@/app/jib-classpath-file", "dev.registry.api.RegistryApplication");
        // the cache first (deploy/image/Containerfile), then Maven's image.java-tool-options as Jib set them
        assertThat(strings(config.path("Env"))).contains("MALLOC_ARENA_MAX=2", "JAVA_TOOL_OPTIONS=-XX:AOTCache=/app/registry.aot "
                + "-XX:MaxRAMPercentage=40 -Xms64m -XX:+UseSerialGC -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=10 "
                + "-XX:TrimNativeHeapInterval=2000 -XX:MaxInlineLevel=6 -XX:InlineSmallCode=500 -XX:FreqInlineSize=150 "
                + "-XX:+ExitOnOutOfMemoryError");

        JsonNode labels = config.path("Labels");
        // Jib's labels and nothing else (the builder adds no io.buildah.version)
        assertThat(labels.propertyNames()).containsExactlyInAnyOrder("org.opencontainers.image.title",
                "org.opencontainers.image.description", "org.opencontainers.image.source",
                "org.opencontainers.image.version", "org.opencontainers.image.revision",
                "org.opencontainers.image.licenses");
        assertThat(labels.path("org.opencontainers.image.source").asString()).isEqualTo(SOURCE);
        assertThat(labels.path("org.opencontainers.image.version").asString()).isEqualTo(projectVersion());
        // HEAD itself, also when it is a merge commit (buildnumber-maven-plugin named the newest non-merge commit)
        assertThat(labels.path("org.opencontainers.image.revision").asString()).isEqualTo(gitRevision());
        // the project declares no license (root pom, README): the label says so in SPDX's words
        assertThat(labels.path("org.opencontainers.image.licenses").asString()).isEqualTo("NOASSERTION");
    }

    @Test
    void theLayersKeepThirdPartyJarsTheProjectsModulesItsClassesAsAJarAndTheCacheApartAndDataIsGroupWritable()
            throws IOException {
        JsonNode manifest = skopeoInspect("--raw");
        // podman pushes OCI manifests (Jib's tarball was OCI too: -Djib.container.format=OCI in build.sh)
        assertThat(manifest.path("mediaType").asString()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        List<String> layers = manifest.path("layers").valueStream().map(l -> l.path("digest").asString()).toList();
        // one history entry per layer: the base's, Jib's (each named), then the cache the Containerfile copied in
        List<JsonNode> history = skopeoInspect("--config").path("history").valueStream()
                .filter(h -> !h.path("empty_layer").asBoolean(false)).toList();
        assertThat(history).hasSameSizeAs(layers);
        int firstJib = 0;
        while (firstJib < history.size()
                && !history.get(firstJib).path("created_by").asString().startsWith("jib-maven-plugin")) {
            firstJib++;
        }
        List<String> ours = history.subList(firstJib, history.size()).stream()
                .map(h -> h.path("created_by").asString().startsWith("jib-maven-plugin")
                        ? h.path("comment").asString() : h.path("created_by").asString())
                .toList();
        // packaged mode: Jib calls the layer of the project's own jar "extra files" too
        assertThat(ours).hasSize(6).startsWith(
                "dependencies", "project dependencies", "extra files", "jvm arg files", "extra files");
        assertThat(ours.get(5)).contains("COPY").contains("/app/registry.aot");
        List<String> digests = layers.subList(firstJib, layers.size());

        List<String> dependencies = layerEntries(digests.get(0));
        assertThat(dependencies).anyMatch(e -> e.matches(".* app/libs/spring-core-[^/]+\\.jar"))
                .noneMatch(e -> e.contains("app/libs/registry-")).noneMatch(e -> e.contains("app/classpath/"));
        // the project's own modules as jars (a build that stopped at compile would leave empty folders here)
        List<String> modules = layerEntries(digests.get(1));
        for (String module : List.of("registry-core", "registry-storage", "registry-web")) {
            assertThat(modules).anyMatch(e -> e.matches("-.* app/libs/" + module + "-[^/]+\\.jar"));
        }
        assertThat(modules).noneMatch(e -> e.contains("spring-"));
        // registry-api's classes and resources as one jar, the only file in app/classpath/
        List<String> jar = layerEntries(digests.get(2)).stream().filter(e -> e.startsWith("-")).toList();
        assertThat(jar).singleElement().satisfies(e -> assertThat(e).matches("-.* app/classpath/[^/]+\\.jar"));
        Path jarFile = extract(digests.get(2), jar.get(0).substring(jar.get(0).lastIndexOf(' ') + 1));
        try (ZipFile zip = new ZipFile(jarFile.toFile())) {
            assertThat(zip.getEntry("dev/registry/api/RegistryApplication.class")).isNotNull();
            assertThat(zip.getEntry("application.properties")).isNotNull();
            // the plain jar, not Spring Boot's fat jar (whose classes sit under BOOT-INF/)
            assertThat(zip.getEntry("BOOT-INF/")).isNull();
        }
        // the class path: jars only (the cache refuses a class folder), in the order Jib wrote
        assertThat(layerEntries(digests.get(3))).anyMatch(e -> e.endsWith(" app/jib-classpath-file"));
        String classpath = Files.readString(extract(digests.get(3), "app/jib-classpath-file")).trim();
        assertThat(classpath.split(":")).allMatch(e -> e.equals("/app/classpath/*") || e.matches("/app/libs/[^/]+\\.jar"))
                .contains("/app/classpath/*");
        // /data: root-owned like every Jib layer, group 0 may write (the user's group)
        assertThat(layerEntries(digests.get(4))).anyMatch(e -> e.matches("drwxrwxr-x 0/0 .* data/?"));
        // the cache: root-owned, readable by the user, not writable
        assertThat(layerEntries(digests.get(5))).anyMatch(e -> e.matches("-rw-r--r-- 0/0 .* app/registry\\.aot"));
    }

    /** Extracts one file of a layer (fetched by {@link #layerEntries}) into the work folder; its path. */
    private Path extract(String digest, String entry) {
        Path blob = work.resolve("layers").resolve(digest.replace(':', '-') + ".tar.gz");
        Path into = work.resolve("extracted").resolve(digest.replace(':', '-'));
        try {
            Files.createDirectories(into);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cli.run(Duration.ofMinutes(1), Map.of(), work,
                List.of("tar", "-xzf", blob.toString(), "-C", into.toString(), entry)).assertSuccess();
        return into.resolve(entry);
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
    void podmanPullsAndRunsTheImageWhichMapsTheCacheAndAnswersV2AndReadinessFromOutsideAsANonRootProcess()
            throws Exception {
        int appPort = freePort();
        Instant start = startContainer("SERVER_PORT=" + appPort);

        RegistryClient anonymous = RegistryClient.anonymous(appPort);
        HttpResponse<String> readiness = awaitReadiness(anonymous);
        // measured, not asserted: 2 shared cores make it vary (docs/deploy-image.md has figures with and without)
        System.out.println("ready " + Duration.between(start, Instant.now()).toMillis() + " ms after podman run");
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
        // the JVM mapped the start-up cache (a JVM that cannot use it says so and leaves it unmapped)
        assertThat(run(Duration.ofMinutes(1), podman("exec", CONTAINER, "grep", "-c", "/app/registry.aot",
                "/proc/1/maps")).stdout().trim()).isNotEqualTo("0");
        // README's compiler threads at nice 10 as user 1000 too (lowering a priority needs no permission), the rest at 0
        ThreadNice.assertReadmeSettings(ThreadNice.parse(run(Duration.ofMinutes(1),
                podman("exec", CONTAINER, "sh", "-c", "cat /proc/1/task/*/stat")).stdout()));
        // the embedded database and blobs went to /data (working directory /, ./data), written by that user
        String data = run(Duration.ofMinutes(1), podman("exec", CONTAINER, "stat", "-c", "%n %u:%g",
                "/data/db", "/data/blobs")).stdout();
        assertThat(data.lines()).containsExactly("/data/db 1000:0", "/data/blobs 1000:0");
        // the image's JAVA_TOOL_OPTIONS were taken, and the JVM had nothing to say about the cache
        Cli.Result logs = run(Duration.ofMinutes(1), podman("logs", CONTAINER));
        // (the JVM's own log lines go to standard output, "Picked up" to standard error)
        String log = logs.stdout() + logs.stderr();
        assertThat(log).contains("Picked up JAVA_TOOL_OPTIONS: -XX:AOTCache=/app/registry.aot -XX:MaxRAMPercentage=40 "
                + "-Xms64m -XX:+UseSerialGC -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=10 "
                + "-XX:TrimNativeHeapInterval=2000 -XX:MaxInlineLevel=6 -XX:InlineSmallCode=500 -XX:FreqInlineSize=150");
        assertThat(log).doesNotContain("[aot]");
        // the image's generated bean definitions are made for a management port of its own (build.sh): without one,
        // the regular start, said in the log (AotMode)
        assertThat(log).contains("Starting without the build's AOT-generated bean definitions: management.server.port=null"
                + " (the actuator on the registry's port)");
    }

    /**
     * As the Helm chart and the compose file run it, with {@code MANAGEMENT_SERVER_PORT}: the image starts from its
     * generated bean definitions (AotMode), with the probes and the metrics on that port and {@code /v2} on its own.
     */
    @Test
    void withAManagementPortTheImageStartsFromItsGeneratedBeanDefinitions() throws Exception {
        int appPort = freePort();
        int managementPort = freePort();
        Instant start = startContainer("SERVER_PORT=" + appPort, "MANAGEMENT_SERVER_PORT=" + managementPort);

        HttpResponse<String> readiness = awaitReadiness(RegistryClient.anonymous(managementPort));
        System.out.println("ready " + Duration.between(start, Instant.now()).toMillis()
                + " ms after podman run (management port)");
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
        assertThat(RegistryClient.anonymous(managementPort).send("GET", "/actuator/prometheus", null, Map.of())
                .statusCode()).isEqualTo(200);
        assertThat(new RegistryClient(appPort, ADMIN, "Container-Pw-1").send("GET", "/v2/", null, Map.of())
                .statusCode()).isEqualTo(200);
        Cli.Result logs = run(Duration.ofMinutes(1), podman("logs", CONTAINER));
        assertThat(logs.stdout() + logs.stderr()).contains("Starting AOT-processed RegistryApplication")
                .doesNotContain("[aot]");
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

    /**
     * Pulls the image as a user would and runs it detached, replacing the container an earlier test left (both tests
     * that run the image use one name), with the admin's password and these environment variables; when it started.
     */
    private Instant startContainer(String... environment) {
        String reference = image();
        run(Duration.ofMinutes(4), podman("pull", "--quiet", "--tls-verify=false",
                "--creds", ADMIN + ":" + ADMIN_PASSWORD, reference));
        run(Duration.ofMinutes(2), podman("rm", "--force", "--ignore", "--volumes", "--time", "10", CONTAINER));
        // 512 MiB, the smallest limit docs/deploy-image.md recommends: the heap is then 205 MiB, the initial heap
        // 64 MiB (-Xms64m; the default 8 MiB could not hold the cache's archived objects and the JVM would not start)
        List<String> command = new ArrayList<>(List.of("run", "--detach", "--name", CONTAINER, "--runtime", "runc",
                "--network", "host", "--memory", "512m", "--env", "REGISTRY_ADMIN_PASSWORD=Container-Pw-1"));
        for (String variable : environment) {
            command.addAll(List.of("--env", variable));
        }
        command.add(reference);
        Instant start = Instant.now();
        run(Duration.ofMinutes(4), podman(command.toArray(String[]::new)));
        return start;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The machine's architecture in OCI's words: the platform build.sh builds for. */
    private static String machineArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
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
