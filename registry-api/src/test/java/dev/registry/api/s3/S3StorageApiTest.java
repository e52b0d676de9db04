package dev.registry.api.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.TestImages;
import dev.registry.storage.s3.InProcessS3;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The registry with {@code registry.storage.type=s3} against an in-process S3 server, over HTTP:
 * push and pull of blobs and a manifest, a chunked upload in chunks below S3's 5 MiB part minimum,
 * blob GETs answered with 307 to a presigned URL that serves the bytes, and garbage collection
 * deleting a deleted image's objects from the bucket (in batches). Its own Spring context
 * (closed after the class) and its own in-memory database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:registry-s3;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
        "registry.storage.type=s3",
        "registry.admin.password=" + dev.registry.api.RegistryIntegrationTest.ADMIN_PASSWORD,
        "registry.projects.create-on-push=true",
        "registry.storage.s3.bucket=" + S3StorageApiTest.BUCKET,
        "registry.storage.s3.prefix=registry",
        "registry.storage.s3.path-style=true",
        "registry.storage.s3.access-key=" + InProcessS3.ACCESS_KEY,
        "registry.storage.s3.secret-key=" + InProcessS3.SECRET_KEY,
        "registry.storage.s3.redirect=true",
        "registry.storage.s3.redirect-lifetime=5m",
        "registry.storage.s3.part-size=5MB",
        "logging.level.root=warn"
})
@DirtiesContext
class S3StorageApiTest {

    static final String BUCKET = "registry-api";
    static final int MIB = 1024 * 1024;
    private static InProcessS3 s3;

    @LocalServerPort
    int port;
    RegistryClient client;
    final HttpClient plainHttp = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void s3Endpoint(DynamicPropertyRegistry registry) throws Exception {
        s3 = InProcessS3.start();
        s3.createBucket(BUCKET);
        registry.add("registry.storage.s3.endpoint", () -> s3.endpoint().toString());
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void connect() {
        client = new RegistryClient(port);
    }

    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** GET of a blob: 307 to a presigned S3 URL valid for the configured lifetime; following it gives the bytes. */
    byte[] pullBlobThroughRedirect(String repo, String digest) throws Exception {
        HttpResponse<String> get = client.send("GET", "/v2/" + repo + "/blobs/" + digest);
        assertThat(get.statusCode()).isEqualTo(307);
        assertThat(get.headers().firstValue("Docker-Content-Digest")).contains(digest);
        URI location = URI.create(get.headers().firstValue("Location").orElseThrow());
        assertThat(location.toString()).startsWith(s3.endpoint() + "/" + BUCKET + "/registry/blobs/sha256/")
                .contains("X-Amz-Expires=300");
        HttpResponse<byte[]> fetched = plainHttp.send(HttpRequest.newBuilder(location).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.statusCode()).isEqualTo(200);
        return fetched.body();
    }

    @Test
    void anImagePushedToTheS3StoreIsPulledBackWithItsBlobsRedirectedToS3() throws Exception {
        String repo = "s3project/app";
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes();
        byte[] layer = bytes(6 * MIB + 17, 1);
        String configDigest = client.pushBlob(repo, config);
        String layerDigest = client.pushBlob(repo, layer);
        String manifest = TestImages.ociManifest(configDigest, config.length, layerDigest, layer.length);
        assertThat(client.pushManifest(repo, "1.0", TestImages.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);

        HttpResponse<String> pulled = client.send("GET", "/v2/" + repo + "/manifests/1.0", null,
                Map.of("Accept", TestImages.OCI_MANIFEST));
        assertThat(pulled.statusCode()).isEqualTo(200);
        assertThat(pulled.body()).isEqualTo(manifest);
        HttpResponse<String> head = client.send("HEAD", "/v2/" + repo + "/blobs/" + layerDigest);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(layer.length);
        assertThat(pullBlobThroughRedirect(repo, configDigest)).isEqualTo(config);
        assertThat(pullBlobThroughRedirect(repo, layerDigest)).isEqualTo(layer);
    }

    @Test
    void aChunkedUploadInChunksSmallerThanFiveMebibytesCompletes() throws Exception {
        String repo = "s3project/chunked";
        byte[] content = bytes(3 * (2 * MIB + 1) + 5, 2);
        HttpResponse<String> start = client.send("POST", "/v2/" + repo + "/blobs/uploads/");
        assertThat(start.statusCode()).isEqualTo(202);
        assertThat(start.headers().firstValue("OCI-Chunk-Min-Length")).contains(Long.toString(5L * MIB));
        String location = start.headers().firstValue("Location").orElseThrow();
        int chunk = 2 * MIB + 1;
        for (int from = 0; from < 3 * chunk; from += chunk) {
            HttpResponse<String> patch = client.send("PATCH", location, Arrays.copyOfRange(content, from, from + chunk),
                    Map.of("Content-Type", "application/octet-stream",
                            "Content-Range", from + "-" + (from + chunk - 1)));
            assertThat(patch.statusCode()).as(patch.body()).isEqualTo(202);
            assertThat(patch.headers().firstValue("Range")).contains("0-" + (from + chunk - 1));
            location = patch.headers().firstValue("Location").orElseThrow();
        }
        String digest = RegistryClient.digest(content);
        HttpResponse<String> put = client.send("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + digest,
                Arrays.copyOfRange(content, 3 * chunk, content.length), Map.of("Content-Type", "application/octet-stream"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

        assertThat(pullBlobThroughRedirect(repo, digest)).isEqualTo(content);
        assertThat(s3.admin().listObjectsV2(r -> r.bucket(BUCKET).prefix("registry/uploads/")).contents())
                .as("nothing left in the upload area").isEmpty();
    }

    @Test
    void garbageCollectionDeletesTheObjectsOfADeletedImageFromTheBucketAndKeepsTheSharedLayer() throws Exception {
        // given two images sharing a layer; one of them deleted by digest
        String repo = "s3project/gc";
        byte[] shared = bytes(1000, 3);
        byte[] own = bytes(2000, 4);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"gc\":1}".getBytes();
        String sharedDigest = client.pushBlob(repo, shared);
        String ownDigest = client.pushBlob(repo, own);
        String configDigest = client.pushBlob(repo, config);
        String doomed = TestImages.ociManifest(configDigest, config.length, ownDigest, own.length);
        String kept = TestImages.ociManifest(configDigest, config.length, sharedDigest, shared.length);
        assertThat(client.pushManifest(repo, "doomed", TestImages.OCI_MANIFEST, doomed).statusCode()).isEqualTo(201);
        assertThat(client.pushManifest(repo, "kept", TestImages.OCI_MANIFEST, kept).statusCode()).isEqualTo(201);
        assertThat(client.send("DELETE", "/v2/" + repo + "/manifests/" + RegistryClient.digest(doomed.getBytes())).statusCode())
                .isEqualTo(202);

        // when a real collection runs to its end
        HttpResponse<String> started = client.send("POST", "/api/v1/gc/runs?dryRun=false");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        String run = started.body();
        for (int i = 0; i < 200 && run.contains("\"RUNNING\""); i++) {
            Thread.sleep(50);
            run = client.send("GET", location).body();
        }

        // then the image's own layer left the bucket; the shared layer and the config (still used) stay
        assertThat(run).contains("\"SUCCEEDED\"");
        assertThat(object(ownDigest)).as("own layer").isFalse();
        assertThat(object(sharedDigest)).as("shared layer").isTrue();
        assertThat(object(configDigest)).as("config").isTrue();
        assertThat(pullBlobThroughRedirect(repo, sharedDigest)).isEqualTo(shared);
    }

    private boolean object(String digest) {
        String hex = digest.substring("sha256:".length());
        return !s3.admin().listObjectsV2(r -> r.bucket(BUCKET).prefix("registry/blobs/sha256/")).contents().stream()
                .filter(o -> o.key().endsWith(hex)).toList().isEmpty();
    }
}
