package dev.registry.api.clients;

import static dev.registry.api.RegistryIntegrationTest.ADMIN;
import static dev.registry.api.RegistryIntegrationTest.ADMIN_PASSWORD;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
import dev.registry.api.clients.ImageLayout.Descriptor;
import dev.registry.api.clients.ImageLayout.Image;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectCreator;
import dev.registry.core.access.UserService;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * skopeo 1.9 (containers/image) against the registry: OCI image layouts written by the test are
 * copied in with {@code skopeo copy --preserve-digests} and back out to a new layout, and every
 * digest must survive the round trip unchanged.
 */
@RegistryIntegrationTest
class SkopeoClientTest {

    @TempDir
    static Path work;
    private static Map<String, String> environment;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    ProjectCreator creator;
    @Autowired
    UserService users;
    @Autowired
    JdbcTemplate jdbc;
    private RegistryClient client;
    private Skopeo skopeo;

    @BeforeAll
    static void skopeoIsInstalled() {
        Cli.assumeOnPath("skopeo");
        environment = Cli.isolatedContainersEnvironment(work.resolve("containers"));
    }

    @BeforeEach
    void client() {
        client = new RegistryClient(port);
        skopeo = new Skopeo(environment, work, port);
    }

    /**
     * An image of four layers (one of 4 MiB of incompressible bytes, one holding an empty file)
     * in a new layout; {@code label} and {@code seed} keep each test's content its own, so no
     * test can reuse (mount) blobs another one pushed.
     */
    static Image layeredImage(ImageLayout layout, String label, long seed) {
        return layout.image("linux", "amd64", label, List.of(
                layout.layer(ImageLayout.files("bin/app", "#!/bin/sh\necho " + label + "\n",
                        "etc/os-release", "ID=test\nNAME=" + label + "\n")),
                layout.layer(ImageLayout.files("opt/" + label + "/data.bin", ImageLayout.randomBytes(seed, 4 * 1024 * 1024))),
                layout.layer(ImageLayout.files("etc/app/config.yaml", "name: " + label + "\nreplicas: 3\n")),
                layout.layer(ImageLayout.files("var/log/" + label + "/.keep", new byte[0]))));
    }

    private void copyIn(ImageLayout layout, String tag, String destination, String... options) {
        skopeo.copyIn(layout, tag, destination, options);
    }

    /** Copies {@code source} out of the registry into a new layout under {@code tag}; returns the layout folder. */
    private Path copyOut(String source, String folder, String tag, String... options) {
        Path out = work.resolve(folder);
        skopeo.copyOut(source, out, tag, options);
        return out;
    }

    private String manifestDigest(String repository, String reference, String accept) {
        HttpResponse<String> r = client.send("HEAD", "/v2/" + repository + "/manifests/" + reference, null,
                Map.of("Accept", accept));
        assertThat(r.statusCode()).as("HEAD manifest %s:%s", repository, reference).isEqualTo(200);
        return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    @Test
    void anImageOfSeveralLayersGoesInAndComesBackOutWithEveryDigestUnchanged() {
        ImageLayout layout = ImageLayout.create(work.resolve("layered"));
        Image image = layeredImage(layout, "layered", 1);
        layout.tag("1.0", image.manifest());
        String repository = "skopeo/team/layered";

        copyIn(layout, "1.0", repository + ":1.0");

        // the registry holds exactly the bytes skopeo was given (spec: pulling manifests and blobs)
        layout.assertServedBy(client, repository);
        assertThat(manifestDigest(repository, "1.0", ImageLayout.OCI_MANIFEST)).isEqualTo(image.manifest().digest());

        Path out = copyOut(repository + ":1.0", "layered-out", "1.0");
        assertThat(ImageLayout.refs(out).get("1.0").path("digest").asString()).isEqualTo(image.manifest().digest());
        assertThat(ImageLayout.verifiedDigests(out)).isEqualTo(layout.digests())
                .containsAll(image.digests()).hasSize(6);
    }

    @Test
    void aMultiPlatformIndexCopiedWithAllKeepsTheIndexAndBothPlatformImages() {
        ImageLayout layout = ImageLayout.create(work.resolve("multi"));
        ImageLayout.Layer shared = layout.layer(ImageLayout.files("usr/share/multi/README", "shared by both platforms\n"));
        Image amd64 = layout.image("linux", "amd64", "multi-amd64", List.of(shared,
                layout.layer(ImageLayout.files("bin/app", ImageLayout.randomBytes(21, 300 * 1024)))));
        Image arm64 = layout.image("linux", "arm64", "multi-arm64", List.of(shared,
                layout.layer(ImageLayout.files("bin/app", ImageLayout.randomBytes(22, 300 * 1024)))));
        Descriptor index = layout.index(List.of(amd64.manifest(), arm64.manifest()));
        layout.tag("2.0", index);
        String repository = "skopeo/team/multi";

        copyIn(layout, "2.0", repository + ":2.0", "--all");

        layout.assertServedBy(client, repository);
        assertThat(manifestDigest(repository, "2.0", ImageLayout.OCI_INDEX)).isEqualTo(index.digest());

        Path out = copyOut(repository + ":2.0", "multi-out", "2.0", "--all");
        JsonNode ref = ImageLayout.refs(out).get("2.0");
        assertThat(ref.path("digest").asString()).isEqualTo(index.digest());
        assertThat(ref.path("mediaType").asString()).isEqualTo(ImageLayout.OCI_INDEX);
        // index, 2 manifests, 2 configs, the shared layer once and one layer per platform
        assertThat(ImageLayout.verifiedDigests(out)).isEqualTo(layout.digests()).hasSize(8);
    }

    /**
     * skopeo 1.9 copies an artifact manifest (empty config, {@code artifactType}, {@code subject})
     * unchanged with {@code --preserve-digests}, pushed by digest as artifacts usually are; the
     * registry must then list it among the subject's referrers (spec "Listing Referrers").
     */
    @Test
    void anArtifactWithASubjectPushedBySkopeoIsListedAmongTheSubjectsReferrers() {
        ImageLayout layout = ImageLayout.create(work.resolve("signed"));
        Image image = layeredImage(layout, "signed", 3);
        layout.tag("1.0", image.manifest());
        String artifactType = "application/vnd.example.signature.v1";
        Descriptor artifact = layout.artifact(artifactType, image.manifest(), "application/vnd.example.signature.v1+json",
                "{\"signed\":\"skopeo/team/signed\"}".getBytes());
        layout.tag("1.0-signature", artifact);
        String repository = "skopeo/team/signed";

        copyIn(layout, "1.0", repository + ":1.0");
        copyIn(layout, "1.0-signature", repository + "@" + artifact.digest());

        layout.assertServedBy(client, repository);
        HttpResponse<String> referrers = client.send("GET", "/v2/" + repository + "/referrers/" + image.manifest().digest());
        assertThat(referrers.statusCode()).isEqualTo(200);
        assertThat(referrers.headers().firstValue("Content-Type")).hasValue(ImageLayout.OCI_INDEX);
        JsonNode entries = ImageLayout.JSON.readTree(referrers.body()).path("manifests");
        assertThat(entries).hasSize(1);
        JsonNode entry = entries.get(0);
        assertThat(entry.path("digest").asString()).isEqualTo(artifact.digest());
        assertThat(entry.path("mediaType").asString()).isEqualTo(ImageLayout.OCI_MANIFEST);
        assertThat(entry.path("size").asLong()).isEqualTo(artifact.size());
        assertThat(entry.path("artifactType").asString()).isEqualTo(artifactType);

        // the filter by artifactType keeps it, and says that it filtered (spec end-12b)
        HttpResponse<String> filtered = client.send("GET", "/v2/" + repository + "/referrers/"
                + image.manifest().digest() + "?artifactType=" + artifactType);
        assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");
        assertThat(ImageLayout.JSON.readTree(filtered.body()).path("manifests")).hasSize(1);

        // and the artifact comes back out by digest, unchanged
        Path out = copyOut(repository + "@" + artifact.digest(), "signed-out", "signature");
        assertThat(ImageLayout.refs(out).get("signature").path("digest").asString()).isEqualTo(artifact.digest());
        TreeSet<String> expected = new TreeSet<>(List.of(artifact.digest(),
                RegistryClient.digest("{}".getBytes()),
                RegistryClient.digest("{\"signed\":\"skopeo/team/signed\"}".getBytes())));
        assertThat(ImageLayout.verifiedDigests(out)).isEqualTo(expected);
    }

    /**
     * Issue 11, correctness 2: {@code HOST/alpine} is {@code HOST/library/alpine}. An image copied to
     * the short name pulls back from the library name with the same digest, and the two copies do
     * not make two repositories.
     */
    @Test
    void anImageCopiedToAOneComponentNamePullsFromItsLibraryNameWithTheSameDigest() {
        ImageLayout layout = ImageLayout.create(work.resolve("short-name"));
        Image image = layout.image("linux", "amd64", "short-name", List.of(
                layout.layer(ImageLayout.files("etc/short-name", "alpine is library/alpine\n"))));
        layout.tag("3", image.manifest());
        String shortName = "alpine-skopeo" + System.nanoTime() % 100000;

        copyIn(layout, "3", shortName + ":3");
        Path out = copyOut("library/" + shortName + ":3", "short-name-out", "3");

        assertThat(ImageLayout.refs(out).get("3").path("digest").asString()).isEqualTo(image.manifest().digest());
        assertThat(manifestDigest("library/" + shortName, "3", ImageLayout.OCI_MANIFEST)).isEqualTo(image.manifest().digest());
        assertThat(jdbc.queryForList("SELECT name FROM repository WHERE name LIKE ?", String.class, "%" + shortName))
                .containsExactly("library/" + shortName);
    }

    @Test
    void listTagsShowsEveryTagPushedToTheRepository() {
        ImageLayout layout = ImageLayout.create(work.resolve("tags"));
        Image image = layout.image("linux", "amd64", "tags", List.of(
                layout.layer(ImageLayout.files("etc/tags", "tags\n"))));
        layout.tag("1.0", image.manifest());
        String repository = "skopeo/team/tags";
        for (String tag : List.of("1.0", "1.1", "latest")) {
            copyIn(layout, "1.0", repository + ":" + tag);
        }

        JsonNode listed = ImageLayout.JSON.readTree(
                skopeo.run("list-tags", "--tls-verify=false", "--creds", ADMIN + ":" + ADMIN_PASSWORD, skopeo.docker(repository)).stdout());

        assertThat(listed.path("Repository").asString()).isEqualTo("localhost:" + port + "/" + repository);
        assertThat(listed.path("Tags").valueStream().map(JsonNode::asString).toList())
                .containsExactlyInAnyOrder("1.0", "1.1", "latest");
    }

    /**
     * A second copy of the same image to a new tag finds every blob with {@code HEAD} (spec
     * "Checking if content exists") and uploads nothing. Checked on the server, with every request
     * recorded: the first copy must show an upload per blob (so the recording sees uploads at
     * all), the second no upload request of any kind.
     */
    @Test
    void aSecondCopyOfTheSameImageToANewTagUploadsNoBlobAgain() {
        ImageLayout layout = ImageLayout.create(work.resolve("retag"));
        Image image = layeredImage(layout, "retag", 5);
        layout.tag("1.0", image.manifest());
        String repository = "skopeo/team/retag";
        List<String> blobs = image.digests().subList(1, image.digests().size());

        try (RequestLog log = RequestLog.attach(context)) {
            copyIn(layout, "1.0", repository + ":1.0");
            List<RequestLog.Entry> first = log.forRepository(repository);
            List<String> completed = first.stream()
                    .filter(e -> e.isUploadRequest(repository) && e.method().equals("PUT") && e.status() == 201)
                    .map(e -> e.query().get("digest")).toList();
            assertThat(completed).as("blob uploads completed by the first copy: %s", first)
                    .containsExactlyInAnyOrderElementsOf(blobs);

            log.clear();
            copyIn(layout, "1.0", repository + ":1.0-again");
            List<RequestLog.Entry> second = log.forRepository(repository);

            assertThat(second).as("requests of the second copy").noneMatch(e -> e.isUploadRequest(repository));
            for (String blob : blobs) {
                assertThat(second).as("HEAD of %s in %s", blob, second).anyMatch(e -> e.method().equals("HEAD")
                        && e.path().equals("/v2/" + repository + "/blobs/" + blob) && e.status() == 200);
            }
            assertThat(second).anyMatch(e -> e.method().equals("PUT")
                    && e.path().equals("/v2/" + repository + "/manifests/1.0-again") && e.status() == 201);
        }
        assertThat(manifestDigest(repository, "1.0-again", ImageLayout.OCI_MANIFEST)).isEqualTo(image.manifest().digest());
    }

    @Test
    void aRobotWithPushPushesAGuestIsRefusedSayingWhyAndAnyonePullsFromAPublicProject() {
        // given the fixture's project and a public project holding an image
        AccessFixture fixture = AccessFixture.create(context);
        ImageLayout layout = ImageLayout.create(work.resolve("robot"));
        Image image = layeredImage(layout, "robot-push", 21);
        layout.tag("1.0", image.manifest());
        String publicProject = "public" + fixture.project.substring(2);
        creator.create(new Principal.User(users.find(ADMIN).orElseThrow().id(), ADMIN, true), publicProject, true, null);
        skopeo.copyIn(layout, "1.0", publicProject + "/app:1.0");

        // when a push robot, then a guest, copy the image in, and an anonymous client copies the public one out
        new Skopeo(environment, work, port, fixture.credentials("robot-push")).copyIn(layout, "1.0", fixture.project + "/ci/app:1.0");
        Cli.Result guest = Cli.run(Duration.ofMinutes(2), environment, work, "skopeo", "copy", "--preserve-digests",
                "--dest-tls-verify=false", "--dest-creds", fixture.credentials("guest"), layout.reference("1.0"),
                skopeo.docker(fixture.project + "/guest/app:1.0"));
        Path out = work.resolve("public-out");
        new Skopeo(environment, work, port, null).copyOut(publicProject + "/app:1.0", out, "1.0");

        // then the robot's push landed, the guest was told why not, and the anonymous copy is exact
        assertThat(manifestDigest(fixture.project + "/ci/app", "1.0", ImageLayout.OCI_MANIFEST)).isEqualTo(image.manifest().digest());
        assertThat(guest.exitCode()).isNotZero();
        assertThat(guest.stderr()).contains("denied").contains("may not push in project " + fixture.project);
        assertThat(ImageLayout.verifiedDigests(out)).containsAll(image.digests());
    }
}
