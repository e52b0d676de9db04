package dev.registry.api.clients;

import static dev.registry.api.RegistryIntegrationTest.ADMIN;
import static dev.registry.api.RegistryIntegrationTest.ADMIN_PASSWORD;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
import dev.registry.api.clients.ImageLayout.Descriptor;
import dev.registry.api.clients.ImageLayout.Image;
import dev.registry.api.clients.ImageLayout.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * podman 4.3 pulls what skopeo pushed, into its own vfs storage (no overlay mounts, nothing
 * shared with the machine's podman), and stores exactly the image the registry served: the
 * image ID is the config digest, the digest is the manifest digest, and the layers it unpacked
 * have the diff IDs of the config.
 */
@RegistryIntegrationTest
class PodmanClientTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    static Path work;
    /** podman refuses a run root longer than 50 characters, so this one lives right under /tmp. */
    private static Path shortDir;
    private static Map<String, String> environment;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcTemplate jdbc;
    private Skopeo skopeo;

    @BeforeAll
    static void podmanAndSkopeoAreInstalled() throws IOException {
        Cli.assumeOnPath("podman");
        Cli.assumeOnPath("skopeo");
        environment = Cli.isolatedContainersEnvironment(work.resolve("containers"));
        shortDir = Files.createTempDirectory(Path.of("/tmp"), "pdm");
    }

    @AfterAll
    static void removeShortDir() throws IOException {
        if (shortDir != null) {
            FileSystemUtils.deleteRecursively(shortDir);
        }
    }

    @BeforeEach
    void client() {
        skopeo = new Skopeo(environment, work, port);
    }

    private Cli.Result podman(String... arguments) {
        return Cli.run(TIMEOUT, environment, work, Cli.podman(work, shortDir, arguments)).assertSuccess();
    }

    private JsonNode inspect(String image) {
        JsonNode all = ImageLayout.JSON.readTree(podman("image", "inspect", image).stdout());
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    @Test
    void podmanPullsAnImagePushedBySkopeoAndStoresItUnderTheConfigAndManifestDigests() {
        ImageLayout layout = ImageLayout.create(work.resolve("single"));
        Image image = SkopeoClientTest.layeredImage(layout, "podman-single", 11);
        layout.tag("1.0", image.manifest());
        String repository = "podman/team/single";
        skopeo.copyIn(layout, "1.0", repository + ":1.0");

        String name = "localhost:" + port + "/" + repository;
        podman("pull", "--tls-verify=false", "--creds", ADMIN + ":" + ADMIN_PASSWORD, name + ":1.0");

        JsonNode pulled = inspect(name + ":1.0");
        // image ID = hex of the config digest; Digest = the manifest digest
        assertThat("sha256:" + pulled.path("Id").asString()).isEqualTo(image.config().digest());
        assertThat(pulled.path("Digest").asString()).isEqualTo(image.manifest().digest());
        assertThat(strings(pulled.path("RepoDigests"))).contains(name + "@" + image.manifest().digest());
        assertThat(strings(pulled.path("RepoTags"))).containsExactly(name + ":1.0");
        // the layers podman decompressed and unpacked hash to the config's diff IDs
        assertThat(strings(pulled.path("RootFS").path("Layers")))
                .containsExactlyElementsOf(image.layers().stream().map(Layer::diffId).toList());
        assertThat(pulled.path("Labels").path("dev.registry.test").asString()).isEqualTo("podman-single");
    }

    @Test
    void podmanPicksTheRequestedPlatformOutOfAMultiPlatformIndex() {
        ImageLayout layout = ImageLayout.create(work.resolve("multi"));
        Layer shared = layout.layer(ImageLayout.files("usr/share/podman-multi/README", "shared\n"));
        Image amd64 = layout.image("linux", "amd64", "podman-amd64", List.of(shared,
                layout.layer(ImageLayout.files("bin/app", ImageLayout.randomBytes(12, 64 * 1024)))));
        Image arm64 = layout.image("linux", "arm64", "podman-arm64", List.of(shared,
                layout.layer(ImageLayout.files("bin/app", ImageLayout.randomBytes(13, 64 * 1024)))));
        Descriptor index = layout.index(List.of(amd64.manifest(), arm64.manifest()));
        layout.tag("2.0", index);
        String repository = "podman/team/multi";
        skopeo.copyIn(layout, "2.0", repository + ":2.0", "--all");

        String name = "localhost:" + port + "/" + repository;
        podman("pull", "--tls-verify=false", "--creds", ADMIN + ":" + ADMIN_PASSWORD, "--platform", "linux/arm64", name + ":2.0");

        JsonNode pulled = inspect(name + ":2.0");
        assertThat("sha256:" + pulled.path("Id").asString()).isEqualTo(arm64.config().digest());
        assertThat(pulled.path("Architecture").asString()).isEqualTo("arm64");
        assertThat(strings(pulled.path("RootFS").path("Layers")))
                .containsExactlyElementsOf(arm64.layers().stream().map(Layer::diffId).toList());
        // podman records both the index it resolved and the arm64 manifest it pulled
        assertThat(strings(pulled.path("RepoDigests")))
                .contains(name + "@" + index.digest(), name + "@" + arm64.manifest().digest());
    }

    @Test
    void podmanLogsInWithADevelopersPasswordAndPullsFromTheProject() {
        AccessFixture fixture = AccessFixture.create(context);
        ImageLayout layout = ImageLayout.create(work.resolve("login"));
        Image image = SkopeoClientTest.layeredImage(layout, "podman-login", 13);
        layout.tag("1.0", image.manifest());
        String repository = fixture.project + "/team/login";
        skopeo.copyIn(layout, "1.0", repository + ":1.0");
        String[] developer = fixture.credentials("developer").split(":", 2);

        podman("login", "--tls-verify=false", "-u", developer[0], "-p", developer[1], "localhost:" + port);
        String name = "localhost:" + port + "/" + repository;
        podman("pull", "--tls-verify=false", name + ":1.0");

        assertThat(inspect(name + ":1.0").get("Digest").asString()).isEqualTo(image.manifest().digest());
    }
}
