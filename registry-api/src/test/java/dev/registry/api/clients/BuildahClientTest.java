package dev.registry.api.clients;

import static dev.registry.api.RegistryIntegrationTest.ADMIN;
import static dev.registry.api.RegistryIntegrationTest.ADMIN_PASSWORD;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.clients.ImageLayout.Image;
import dev.registry.api.clients.ImageLayout.Layer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * ISSUE-12 "buildah": build-free push and pull with buildah 1.28 (containers/image, like skopeo and
 * podman), in its own vfs storage and with the same isolation from the machine-wide caches: an OCI
 * layout written by the test is pulled into buildah's storage, pushed to the registry, and pulled
 * back from it; the registry holds the manifest buildah says it pushed, and the image that comes
 * back is that manifest, its config and the layout's layers.
 */
@RegistryIntegrationTest
class BuildahClientTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    static Path work;
    /** buildah (like podman) refuses a run root longer than 50 characters: this one lives right under /tmp. */
    private static Path shortDir;
    private static Map<String, String> environment;

    @LocalServerPort
    int port;

    @BeforeAll
    static void buildahIsInstalled() throws IOException {
        Cli.assumeOnPath("buildah");
        environment = Cli.isolatedContainersEnvironment(work.resolve("containers"));
        shortDir = Files.createTempDirectory(Path.of("/tmp"), "bah");
    }

    @AfterAll
    static void removeShortDir() throws IOException {
        if (shortDir != null) {
            FileSystemUtils.deleteRecursively(shortDir);
        }
    }

    private Cli.Result buildah(String... arguments) {
        List<String> command = new ArrayList<>(List.of("buildah",
                "--storage-driver", "vfs",
                "--root", work.resolve("storage").toString(),
                "--runroot", shortDir.resolve("run").toString()));
        command.addAll(List.of(arguments));
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("TMPDIR", shortDir.resolve("tmp").toString());
        try {
            Files.createDirectories(shortDir.resolve("tmp"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Cli.run(TIMEOUT, env, work, command).assertSuccess();
    }

    private JsonNode inspectImage(String image) {
        return ImageLayout.JSON.readTree(buildah("inspect", "--type", "image", image).stdout());
    }

    @Test
    void buildahPushesAnImageFromAnOciLayoutAndPullsBackExactlyWhatTheRegistryHolds() throws IOException {
        ImageLayout layout = ImageLayout.create(work.resolve("layout"));
        Image image = SkopeoClientTest.layeredImage(layout, "buildah-push", 31);
        layout.tag("1.0", image.manifest());
        String repository = "buildah/team/pushed";
        String name = "localhost:" + port + "/" + repository;
        String creds = ADMIN + ":" + ADMIN_PASSWORD;

        buildah("pull", layout.reference("1.0"));
        // in buildah's storage the image is known by its ID, the hex of its config digest
        String imageId = image.config().digest().substring("sha256:".length());
        assertThat(buildah("images", "--quiet", "--no-trunc").stdout()).contains(imageId);
        Path digestFile = work.resolve("pushed.digest");
        buildah("push", "--tls-verify=false", "--creds", creds, "--digestfile", digestFile.toString(),
                imageId, "docker://" + name + ":1.0");
        String pushed = Files.readString(digestFile).trim();

        // the registry serves under the tag the manifest buildah says it pushed
        RegistryClient client = new RegistryClient(port);
        HttpResponse<String> manifest = client.send("GET", "/v2/" + repository + "/manifests/1.0", null,
                Map.of("Accept", ImageLayout.OCI_MANIFEST + ", application/vnd.docker.distribution.manifest.v2+json"));
        assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(pushed);
        assertThat(RegistryClient.digest(manifest.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(pushed);
        JsonNode served = ImageLayout.JSON.readTree(manifest.body());
        // buildah pushed the config it pulled from the layout unchanged; it keeps layers unpacked
        // and compresses them anew on push (other blob digests), but each layer blob the registry
        // serves has its digest and unpacks to the layout's layer (the config's diff ID)
        assertThat(served.path("config").path("digest").asString()).isEqualTo(image.config().digest());
        List<String> layers = served.path("layers").valueStream().map(l -> l.path("digest").asString()).toList();
        assertThat(layers).hasSameSizeAs(image.layers());
        for (int i = 0; i < layers.size(); i++) {
            HttpResponse<byte[]> blob = client.sendForBytes("GET", "/v2/" + repository + "/blobs/" + layers.get(i), Map.of());
            assertThat(blob.statusCode()).isEqualTo(200);
            assertThat(RegistryClient.digest(blob.body())).isEqualTo(layers.get(i));
            try (var gunzip = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(blob.body()))) {
                assertThat(RegistryClient.digest(gunzip.readAllBytes())).as("layer %s unpacked", i)
                        .isEqualTo(image.layers().get(i).diffId());
            }
        }

        // pulled back by tag into storage of its own: the same manifest, config and unpacked layers
        buildah("rmi", "--all", "--force");
        buildah("pull", "--tls-verify=false", "--creds", creds, "docker://" + name + ":1.0");
        JsonNode pulled = inspectImage(name + ":1.0");
        assertThat(pulled.path("FromImageDigest").asString()).isEqualTo(pushed);
        assertThat("sha256:" + pulled.path("FromImageID").asString()).isEqualTo(image.config().digest());
        assertThat(pulled.path("OCIv1").path("rootfs").path("diff_ids").valueStream().map(JsonNode::asString).toList())
                .containsExactlyElementsOf(image.layers().stream().map(Layer::diffId).toList());
    }
}
