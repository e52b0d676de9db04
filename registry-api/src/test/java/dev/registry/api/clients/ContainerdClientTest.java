package dev.registry.api.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.clients.ImageLayout.Descriptor;
import dev.registry.api.clients.ImageLayout.Image;
import dev.registry.api.clients.ImageLayout.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * containerd 1.6 pulls from the registry the way a Kubernetes node does ({@code ctr -n k8s.io
 * images pull --plain-http}). One containerd per class, with its own root, state and socket
 * under a temporary folder and the CRI plugin disabled, so it shares nothing with a containerd
 * the machine may run. Images are pushed over plain HTTP, so this class needs no other client.
 */
@RegistryIntegrationTest
class ContainerdClientTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** Right under /tmp: a unix socket path must stay under 108 bytes. */
    private static Path dir;
    private static Path socket;
    private static Containerd containerd;

    @LocalServerPort
    int port;
    private RegistryClient client;

    @BeforeAll
    static void startContainerd() throws IOException, InterruptedException {
        Containerd.assumeInstalled();
        containerd = Containerd.start();
        dir = containerd.dir();
        socket = containerd.socket();
    }

    @AfterAll
    static void stopContainerd() throws IOException {
        if (containerd != null) {
            containerd.close();
        }
    }

    @BeforeEach
    void client() {
        client = new RegistryClient(port);
    }

    private Cli.Result ctr(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", socket.toString(), "-n", "k8s.io"));
        command.addAll(List.of(arguments));
        return Cli.run(TIMEOUT, Map.of(), dir, command).assertSuccess();
    }

    /**
     * {@code ctr images pull --plain-http}, unpacked with the native snapshotter (plain
     * directories: works where overlayfs cannot be mounted, e.g. inside a container) and
     * {@code --print-chainid}; returns the chain ID containerd computed from the layers it
     * unpacked.
     */
    private String pull(String reference, String... options) {
        List<String> arguments = new ArrayList<>(List.of("images", "pull", "--plain-http", "--snapshotter", "native",
                "--print-chainid"));
        arguments.addAll(List.of(options));
        arguments.add(reference);
        String out = ctr(arguments.toArray(String[]::new)).stdout();
        return out.lines().filter(line -> line.startsWith("image chain ID: ")).findFirst()
                .map(line -> line.substring("image chain ID: ".length()).trim())
                .orElseThrow(() -> new AssertionError("no chain ID in ctr output:\n" + out));
    }

    /** The columns of {@code ctr images ls} for one reference: REF TYPE DIGEST SIZE(2 words) PLATFORMS LABELS. */
    private List<String> listed(String reference) {
        String out = ctr("images", "ls").stdout();
        return out.lines().map(line -> Arrays.asList(line.trim().split("\\s+")))
                .filter(columns -> columns.getFirst().equals(reference)).findFirst()
                .orElseThrow(() -> new AssertionError(reference + " is not in `ctr images ls`:\n" + out));
    }

    private List<String> contentDigests() {
        return ctr("content", "ls", "-q").stdout().lines().map(String::trim).toList();
    }

    /** The image-spec chain ID: {@code ChainID(L0) = DiffID(L0)}, {@code ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))}. */
    private static String chainId(List<Layer> layers) {
        String chain = layers.getFirst().diffId();
        for (Layer layer : layers.subList(1, layers.size())) {
            chain = RegistryClient.digest((chain + " " + layer.diffId()).getBytes(StandardCharsets.US_ASCII));
        }
        return chain;
    }

    @Test
    void containerdPullsAnImageAndListsItUnderThePushedManifestDigest() {
        ImageLayout layout = ImageLayout.create(dir.resolve("single"));
        Image image = SkopeoClientTest.layeredImage(layout, "containerd-single", 31);
        layout.tag("1.0", image.manifest());
        String repository = "containerd/team/app";
        layout.pushOverHttp(client, repository);
        String reference = "localhost:" + port + "/" + repository + ":1.0";

        String chainId = pull(reference);

        List<String> columns = listed(reference);
        assertThat(columns.get(1)).as("TYPE").isEqualTo(ImageLayout.OCI_MANIFEST);
        assertThat(columns.get(2)).as("DIGEST").isEqualTo(image.manifest().digest());
        assertThat(columns.get(5)).as("PLATFORMS").isEqualTo("linux/amd64");
        assertThat(contentDigests()).containsAll(image.digests());
        // containerd unpacked every layer and each one hashed to its diff ID
        assertThat(chainId).isEqualTo(chainId(image.layers()));
    }

    @Test
    void containerdResolvesTheRequestedPlatformOfAMultiPlatformIndex() {
        ImageLayout layout = ImageLayout.create(dir.resolve("multi"));
        Layer shared = layout.layer(ImageLayout.files("usr/share/containerd-multi/README", "shared\n"));
        Image amd64 = layout.image("linux", "amd64", "containerd-amd64", List.of(shared,
                layout.layer(ImageLayout.files("bin/app", ImageLayout.randomBytes(32, 64 * 1024)))));
        Image arm64 = layout.image("linux", "arm64", "containerd-arm64", List.of(shared,
                layout.layer(ImageLayout.files("bin/app", ImageLayout.randomBytes(33, 64 * 1024)))));
        Descriptor index = layout.index(List.of(amd64.manifest(), arm64.manifest()));
        layout.tag("2.0", index);
        String repository = "containerd/team/multi";
        layout.pushOverHttp(client, repository);
        String reference = "localhost:" + port + "/" + repository + ":2.0";

        String chainId = pull(reference, "--platform", "linux/arm64");

        List<String> columns = listed(reference);
        assertThat(columns.get(1)).as("TYPE").isEqualTo(ImageLayout.OCI_INDEX);
        assertThat(columns.get(2)).as("DIGEST").isEqualTo(index.digest());
        assertThat(columns.get(5)).as("PLATFORMS").isEqualTo("linux/amd64,linux/arm64");
        assertThat(contentDigests()).containsAll(arm64.digests()).contains(index.digest())
                .doesNotContain(amd64.layers().get(1).descriptor().digest());
        assertThat(chainId).isEqualTo(chainId(arm64.layers()));
    }
}
