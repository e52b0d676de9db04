package dev.registry.api.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.clients.ImageLayout.Image;
import dev.registry.api.s3.RegistryOnS3;
import dev.registry.storage.s3.InProcessS3;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The real clients against the registry on the S3 store ({@code registry.storage.type=s3} on an
 * in-process S3 server, presigned redirects on): skopeo copies a multi-layer image in and back
 * out, containerd pulls one. Blob bytes go into the bucket through the registry (multipart: one
 * layer spans several 5 MiB parts) and come back straight from S3, the clients following the
 * registry's 307 to a presigned URL.
 *
 * <p>Its own Spring context and H2 database (closed after the class, like {@code S3StorageApiTest});
 * one S3 server, one skopeo environment and one containerd for the whole class. A test whose
 * client is not installed is skipped with the reason.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:registry-s3-clients;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
        "logging.level.root=warn"
})
@DirtiesContext
class ClientsOnS3Test {

    static final String BUCKET = "registry-clients";
    static final String PREFIX = "clients";

    @TempDir
    static Path work;
    private static InProcessS3 s3;
    private static Map<String, String> environment;
    private static Containerd containerd;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    private RegistryClient client;

    @DynamicPropertySource
    static void onS3(DynamicPropertyRegistry registry) throws Exception {
        s3 = InProcessS3.start();
        s3.createBucket(BUCKET);
        RegistryOnS3.properties(s3, BUCKET, PREFIX, true).forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeAll
    static void clients() throws IOException, InterruptedException {
        environment = Cli.isolatedContainersEnvironment(work.resolve("containers"));
        if (Containerd.installed()) {
            containerd = Containerd.start();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (containerd != null) {
            containerd.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void connect() {
        client = new RegistryClient(port);
    }

    /**
     * Five layers: two small ones, one of 12 MiB of incompressible bytes (two 5 MiB parts and a
     * tail in S3), one of 3 MiB (a tail only) and one holding an empty file.
     */
    static Image multiLayerImage(ImageLayout layout, String label, long seed) {
        return layout.image("linux", "amd64", label, List.of(
                layout.layer(ImageLayout.files("bin/app", "#!/bin/sh\necho " + label + "\n")),
                layout.layer(ImageLayout.files("opt/" + label + "/big.bin", ImageLayout.randomBytes(seed, 12 * 1024 * 1024))),
                layout.layer(ImageLayout.files("opt/" + label + "/mid.bin", ImageLayout.randomBytes(seed + 1, 3 * 1024 * 1024))),
                layout.layer(ImageLayout.files("etc/app/config.yaml", "name: " + label + "\n")),
                layout.layer(ImageLayout.files("var/log/" + label + "/.keep", new byte[0]))));
    }

    /** The digests of the verified blobs under {@code blobs/} in the bucket. */
    private static TreeSet<String> blobsInBucket() {
        return s3.admin().listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(PREFIX + "/blobs/")).contents().stream()
                .map(S3Object::key).map(key -> "sha256:" + key.substring(key.lastIndexOf('/') + 1))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> uploadAreaLeftovers() {
        return s3.admin().listObjectsV2(r -> r.bucket(BUCKET).prefix(PREFIX + "/uploads/")).contents().stream()
                .map(S3Object::key).toList();
    }

    /** The recorded blob GETs of {@code repository} and their statuses: all must be 307 to S3. */
    private static void assertEveryBlobGetWasRedirected(List<RequestLog.Entry> requests, String repository,
                                                        List<String> blobs) {
        List<RequestLog.Entry> gets = requests.stream().filter(e -> e.method().equals("GET")
                && e.path().startsWith("/v2/" + repository + "/blobs/sha256:")).toList();
        assertThat(gets).as("blob GETs").isNotEmpty().allSatisfy(e -> assertThat(e.status()).as("%s", e).isEqualTo(307));
        assertThat(gets.stream().map(e -> e.path().substring(e.path().lastIndexOf('/') + 1)).toList())
                .as("every blob fetched").containsAll(blobs);
    }

    @Test
    void skopeoCopiesAMultiLayerImageInAndBackOutWithEveryDigestUnchanged() {
        Cli.assumeOnPath("skopeo");
        Skopeo skopeo = new Skopeo(environment, work, port);
        ImageLayout layout = ImageLayout.create(work.resolve("skopeo-in"));
        Image image = multiLayerImage(layout, "s3-skopeo", 41);
        layout.tag("1.0", image.manifest());
        String repository = "s3clients/skopeo/app";
        List<String> blobs = image.digests().subList(1, image.digests().size());

        try (RequestLog log = RequestLog.attach(context)) {
            skopeo.copyIn(layout, "1.0", repository + ":1.0");
            List<String> uploaded = log.forRepository(repository).stream()
                    .filter(e -> e.isUploadRequest(repository) && e.method().equals("PUT") && e.status() == 201)
                    .map(e -> e.query().get("digest")).toList();
            assertThat(uploaded).as("blobs uploaded by skopeo").containsExactlyInAnyOrderElementsOf(blobs);
        }
        assertThat(blobsInBucket()).as("verified blobs in the bucket").containsAll(blobs);
        assertThat(uploadAreaLeftovers()).as("nothing left in the upload area").isEmpty();

        Path out = work.resolve("skopeo-out");
        try (RequestLog log = RequestLog.attach(context)) {
            skopeo.copyOut(repository + ":1.0", out, "1.0");
            assertEveryBlobGetWasRedirected(log.forRepository(repository), repository, blobs);
        }
        assertThat(ImageLayout.refs(out).get("1.0").path("digest").asString()).isEqualTo(image.manifest().digest());
        assertThat(ImageLayout.verifiedDigests(out)).isEqualTo(layout.digests()).containsAll(image.digests()).hasSize(7);
    }

    @Test
    void containerdPullsAnImageWhoseBlobsComeFromS3() {
        Containerd.assumeInstalled();
        ImageLayout layout = ImageLayout.create(work.resolve("containerd"));
        Image image = multiLayerImage(layout, "s3-containerd", 51);
        layout.tag("1.0", image.manifest());
        String repository = "s3clients/containerd/app";
        layout.pushOverHttp(client, repository);
        String reference = "localhost:" + port + "/" + repository + ":1.0";

        String chainId;
        try (RequestLog log = RequestLog.attach(context)) {
            chainId = containerd.pull(RegistryIntegrationTest.ADMIN + ":" + RegistryIntegrationTest.ADMIN_PASSWORD, reference);
            assertEveryBlobGetWasRedirected(log.forRepository(repository), repository,
                    image.digests().subList(1, image.digests().size()));
        }

        List<String> columns = containerd.listed(reference);
        assertThat(columns.get(1)).as("TYPE").isEqualTo(ImageLayout.OCI_MANIFEST);
        assertThat(columns.get(2)).as("DIGEST").isEqualTo(image.manifest().digest());
        assertThat(containerd.contentDigests()).containsAll(image.digests());
        // containerd unpacked every layer it fetched from S3 and each one hashed to its diff ID
        assertThat(chainId).isEqualTo(Containerd.chainId(image.layers()));
    }
}
