package dev.registry.api.clients;

import static dev.registry.api.RegistryIntegrationTest.ADMIN;
import static dev.registry.api.RegistryIntegrationTest.ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.clients.ImageLayout.Image;
import dev.registry.api.clients.ImageLayout.Layer;
import dev.registry.api.proxy.DistributionUpstream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * The proxy cache (issue 16, docs/proxy-cache.md) as real clients use it: skopeo pulls through a proxy project;
 * podman, with the {@code registries.conf} mirror a CRI-O node would have, and containerd with a {@code hosts.toml}
 * mirror ({@code ?ns=docker.io}) pull {@code docker.io/library/...} names that are resolved through this registry to a
 * local CNCF Distribution 2.8 standing in for Docker Hub. Nothing here can reach the real Docker Hub: a pull that did
 * not go through the mirror fails.
 */
@RegistryIntegrationTest
class ProxyCacheClientsTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final AtomicInteger NAMES = new AtomicInteger();

    @org.junit.jupiter.api.io.TempDir
    static Path work;
    private static Map<String, String> environment;
    private static DistributionUpstream hub;
    /** The proxy project serving docker.io, made once for the class (a host is served by one project). */
    private static String hubProject;
    private static Path shortDir;

    @LocalServerPort
    int port;
    private RegistryClient admin;

    @BeforeAll
    static void clientsAndUpstream() throws Exception {
        Cli.assumeOnPath("skopeo");
        Cli.assumeOnPath("docker-registry");
        environment = Cli.isolatedContainersEnvironment(work.resolve("containers"));
        hub = DistributionUpstream.start(work.resolve("hub"), null, null);
        shortDir = Files.createTempDirectory(Path.of("/tmp"), "pxy");
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (shortDir != null) {
            FileSystemUtils.deleteRecursively(shortDir);
        }
    }

    @BeforeEach
    void proxyOfTheLocalHub() {
        admin = new RegistryClient(port);
        if (hubProject == null) {
            String endpoint = "hub" + NAMES.incrementAndGet();
            assertThat(post("/api/v1/endpoints", Map.of("name", endpoint, "url", hub.url())).statusCode()).isEqualTo(201);
            String project = "dockerhub" + ProcessHandle.current().pid();
            HttpResponse<String> created = post("/api/v1/projects", Map.of("name", project, "public", true,
                    "proxy", Map.of("endpoints", List.of(endpoint), "mirrorOf", "docker.io")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            hubProject = project;
        }
    }

    /** An image of real layers (tar+gzip) pushed by skopeo into the local "Docker Hub" as {@code repository:tag}. */
    private Image upstreamImage(String repository, String tag, long seed) {
        seed ^= System.nanoTime(); // this run's own bytes: the shared test store keeps blobs of earlier runs
        ImageLayout layout = ImageLayout.create(work.resolve("layout-" + NAMES.incrementAndGet()));
        Image image = layout.image("linux", "amd64", repository, List.of(
                layout.layer(ImageLayout.files("etc/" + repository.replace('/', '-') + ".conf", "seed=" + seed + "\n")),
                layout.layer(ImageLayout.files("opt/data.bin", ImageLayout.randomBytes(seed, 512 * 1024)))));
        layout.tag(tag, image.manifest());
        new Skopeo(environment, work, hub.port(), null).copyIn(layout, tag, repository + ":" + tag);
        return image;
    }

    @Test
    void skopeoPullsThroughAProxyProjectAndTheSecondPullAsksTheUpstreamForNothing() throws IOException {
        Image image = upstreamImage("library/skopeo-through", "1.0", 31);
        Skopeo skopeo = new Skopeo(environment, work, port, ADMIN + ":" + ADMIN_PASSWORD);
        String source = hubProject + "/library/skopeo-through:1.0";

        skopeo.copyOut(source, work.resolve("out1"), "1.0");
        assertThat(ImageLayout.verifiedDigests(work.resolve("out1"))).containsAll(image.digests());
        long asked = hub.proxyRequests(l -> l.contains("/v2/library/skopeo-through/"));
        assertThat(hub.proxyRequests("GET", "/v2/library/skopeo-through/blobs/")).isEqualTo(3); // config and two layers

        skopeo.copyOut(source, work.resolve("out2"), "1.0");
        assertThat(ImageLayout.verifiedDigests(work.resolve("out2"))).containsAll(image.digests());
        assertThat(hub.proxyRequests(l -> l.contains("/v2/library/skopeo-through/"))).isEqualTo(asked);
    }

    /**
     * CRI-O's (and podman's) {@code registries.conf} mirror of docker.io at {@code <registry>/<proxy project>}: the
     * pull of {@code docker.io/library/...} goes to the proxy project, anonymously (it is public).
     */
    @Test
    void podmanWithARegistriesConfMirrorPullsDockerIoNamesThroughTheProxyProject() throws IOException {
        Cli.assumeOnPath("podman");
        Image image = upstreamImage("library/podman-mirror", "2", 32);
        Path conf = Files.writeString(work.resolve("registries.conf"), """
                unqualified-search-registries = []

                [[registry]]
                prefix = "docker.io"
                location = "docker.io"

                [[registry.mirror]]
                location = "localhost:%d/%s"
                insecure = true
                """.formatted(port, hubProject));
        Map<String, String> mirrored = new HashMap<>(environment);
        mirrored.put("CONTAINERS_REGISTRIES_CONF", conf.toString());
        Path podmanWork = Files.createDirectories(work.resolve("podman"));
        Cli.run(TIMEOUT, mirrored, podmanWork, Cli.podman(podmanWork, shortDir, "pull", "docker.io/library/podman-mirror:2"))
                .assertSuccess();

        JsonNode pulled = ImageLayout.JSON.readTree(Cli.run(TIMEOUT, mirrored, podmanWork,
                Cli.podman(podmanWork, shortDir, "image", "inspect", "docker.io/library/podman-mirror:2")).assertSuccess().stdout()).get(0);
        assertThat(pulled.path("Digest").asString()).isEqualTo(image.manifest().digest());
        assertThat(pulled.path("RootFS").path("Layers").valueStream().map(JsonNode::asString).toList())
                .containsExactlyElementsOf(image.layers().stream().map(Layer::diffId).toList());
        assertThat(hub.proxyRequests("GET", "/v2/library/podman-mirror/blobs/")).isEqualTo(3);
    }

    /**
     * containerd with {@code hosts.toml} for docker.io naming this registry as a mirror: it asks
     * {@code /v2/library/...?ns=docker.io}, which the proxy project serving docker.io answers. The {@code server} is an
     * address nothing listens on, so only the mirror can have answered.
     */
    @Test
    void containerdWithAHostsTomlMirrorPullsDockerIoNamesThroughTheRegistry() throws Exception {
        Containerd.assumeInstalled();
        Image image = upstreamImage("library/ctr-mirror", "3", 33);
        try (Containerd containerd = Containerd.start()) {
            Path hosts = Files.createDirectories(containerd.dir().resolve("certs.d/docker.io"));
            Files.writeString(hosts.resolve("hosts.toml"), """
                    server = "http://127.0.0.1:9"

                    [host."http://localhost:%d"]
                      capabilities = ["pull", "resolve"]
                    """.formatted(port));
            String out = containerd.ctr("images", "pull", "--hosts-dir", containerd.dir().resolve("certs.d").toString(),
                    "--snapshotter", "native", "--print-chainid", "docker.io/library/ctr-mirror:3").stdout();
            assertThat(out).contains("image chain ID: " + Containerd.chainId(image.layers()));
            assertThat(containerd.contentDigests()).containsAll(image.digests());
            assertThat(hub.proxyRequests("GET", "/v2/library/ctr-mirror/blobs/")).isEqualTo(3);
            // what containerd pulled is cached in the proxy project under the upstream's name
            assertThat(admin.send("GET", "/v2/" + hubProject + "/library/ctr-mirror/manifests/3").statusCode()).isEqualTo(200);

            // a private proxy project behind a mirror: a robot's credentials (what an imagePullSecret holds) pull, nobody else
            Image secret = upstreamImage("team/ctr-private", "4", 34);
            String host = "private" + ProcessHandle.current().pid() + ".example";
            String endpoint = "hub" + NAMES.incrementAndGet();
            assertThat(post("/api/v1/endpoints", Map.of("name", endpoint, "url", hub.url())).statusCode()).isEqualTo(201);
            String project = "private" + ProcessHandle.current().pid();
            assertThat(post("/api/v1/projects", Map.of("name", project, "proxy", Map.of("endpoints", List.of(endpoint),
                    "mirrorOf", host))).statusCode()).isEqualTo(201);
            HttpResponse<String> robot = post("/api/v1/projects/" + project + "/robots", Map.of("name", "nodes",
                    "permissions", List.of("pull")));
            assertThat(robot.statusCode()).as(robot.body()).isEqualTo(201);
            JsonNode created = ImageLayout.JSON.readTree(robot.body());
            String credentials = created.path("robot").path("name").asString() + ":" + created.path("secret").asString();
            Path privateHosts = Files.createDirectories(containerd.dir().resolve("certs.d/" + host));
            Files.writeString(privateHosts.resolve("hosts.toml"), """
                    server = "http://127.0.0.1:9"

                    [host."http://localhost:%d"]
                      capabilities = ["pull", "resolve"]
                    """.formatted(port));
            String reference = host + "/team/ctr-private:4";
            String hostsDir = containerd.dir().resolve("certs.d").toString();
            Cli.Result anonymous = Cli.run(TIMEOUT, Map.of(), containerd.dir(), List.of("ctr", "--address",
                    containerd.socket().toString(), "-n", "k8s.io", "images", "pull", "--hosts-dir", hostsDir,
                    "--snapshotter", "native", reference));
            assertThat(anonymous.exitCode()).isNotZero();
            String pulled = containerd.ctr("images", "pull", "--hosts-dir", hostsDir, "--user", credentials,
                    "--snapshotter", "native", "--print-chainid", reference).stdout();
            assertThat(pulled).contains("image chain ID: " + Containerd.chainId(secret.layers()));
        }
    }

    private HttpResponse<String> post(String path, Map<String, ?> body) {
        return admin.send("POST", path, ImageLayout.JSON.writeValueAsBytes(body), Map.of("Content-Type", "application/json"));
    }
}
