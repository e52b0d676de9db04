package dev.registry.api.clients;

import static dev.registry.api.RegistryIntegrationTest.ADMIN;
import static dev.registry.api.RegistryIntegrationTest.ADMIN_PASSWORD;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
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
    @Autowired
    ApplicationContext context;
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

    private String pull(String reference, String... options) {
        return containerd.pull(ADMIN + ":" + ADMIN_PASSWORD, reference, options);
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

        List<String> columns = containerd.listed(reference);
        assertThat(columns.get(1)).as("TYPE").isEqualTo(ImageLayout.OCI_MANIFEST);
        assertThat(columns.get(2)).as("DIGEST").isEqualTo(image.manifest().digest());
        assertThat(columns.get(5)).as("PLATFORMS").isEqualTo("linux/amd64");
        assertThat(containerd.contentDigests()).containsAll(image.digests());
        // containerd unpacked every layer and each one hashed to its diff ID
        assertThat(chainId).isEqualTo(Containerd.chainId(image.layers()));
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

        List<String> columns = containerd.listed(reference);
        assertThat(columns.get(1)).as("TYPE").isEqualTo(ImageLayout.OCI_INDEX);
        assertThat(columns.get(2)).as("DIGEST").isEqualTo(index.digest());
        assertThat(columns.get(5)).as("PLATFORMS").isEqualTo("linux/amd64,linux/arm64");
        assertThat(containerd.contentDigests()).containsAll(arm64.digests()).contains(index.digest())
                .doesNotContain(amd64.layers().get(1).descriptor().digest());
        assertThat(chainId).isEqualTo(Containerd.chainId(arm64.layers()));
    }

    @Test
    void aKubeletStylePullWithAProjectRobotsCredentialsWorksAndAnotherProjectsRobotIsRefused() {
        // given an image in the fixture's private project
        AccessFixture fixture = AccessFixture.create(context);
        ImageLayout layout = ImageLayout.create(dir.resolve("robot"));
        Image image = SkopeoClientTest.layeredImage(layout, "containerd-robot", 37);
        layout.tag("1.0", image.manifest());
        String repository = fixture.project + "/team/app";
        layout.pushOverHttp(client, repository);
        String reference = "localhost:" + port + "/" + repository + ":1.0";

        // when containerd pulls with another project's robot, then with the project's pull robot
        Cli.Result refused = containerd.tryPull(fixture.credentials("robot-other-project"), reference);
        String chainId = containerd.pull(fixture.credentials("robot-pull"), reference);

        // then the first is refused and the second unpacks every layer
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr() + refused.stdout()).containsAnyOf("not found", "denied", "unauthorized", "not known");
        assertThat(chainId).isEqualTo(Containerd.chainId(image.layers()));
    }
}
