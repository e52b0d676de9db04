package dev.registry.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.storage.BlobInfo;
import dev.registry.storage.BlobUpload;
import dev.registry.storage.Digest;
import dev.registry.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** Reads, redirects, encryption, health and the purge of orphaned multipart uploads. */
class S3StoreTest extends S3TestBase {

    private BlobInfo put(S3BlobStore target, byte[] content) throws IOException {
        BlobUpload upload = target.startUpload();
        upload.append(new ByteArrayInputStream(content), content.length);
        return upload.commit(Digest.sha256(content));
    }

    @Test
    void thePresignedRedirectUrlServesTheBytesToAPlainHttpGet() throws Exception {
        S3BlobStore redirecting = open(s3.settings(BUCKET).withPrefix(PREFIX).withRedirect(true),
                S3BlobStore.MAX_SINGLE_COPY);
        byte[] content = bytes(3 * MIB, 11);
        BlobInfo blob = put(redirecting, content);

        URI url = redirecting.redirectUrl(blob.digest(), Duration.ofMinutes(5)).orElseThrow();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(content);

        URI otherKey = URI.create(url.toString().replace(blob.digest().hex(), Digest.sha256(new byte[1]).hex()));
        assertThat(http.send(HttpRequest.newBuilder(otherKey).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).as("the signature covers the key").isEqualTo(403);
    }

    @Test
    void noRedirectUrlIsOfferedWhenRedirectsAreOff() throws IOException {
        BlobInfo blob = put(store, "plain".getBytes());
        assertThat(store.redirectUrl(blob.digest(), Duration.ofMinutes(5))).isEmpty();
    }

    @Test
    void readingFromAnOffsetAcrossAPartBoundaryOrAtTheEndWorks() throws IOException {
        byte[] content = bytes(6 * MIB, 12);
        BlobInfo blob = put(store, content);
        try (InputStream in = store.open(blob.digest(), 5L * MIB - 10)) {
            assertThat(in.readNBytes(20)).isEqualTo(java.util.Arrays.copyOfRange(content, 5 * MIB - 10, 5 * MIB + 10));
        }
        try (InputStream in = store.open(blob.digest(), content.length)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void encryptedBlobsWithAStorageClassRoundTripThroughPartsAndCopies() throws IOException {
        S3Settings base = s3.settings(BUCKET).withPrefix(PREFIX);
        S3Settings encrypted = new S3Settings(base.bucket(), base.prefix(), base.region(), base.endpoint(), true,
                base.accessKey(), base.secretKey(), false, "AES256", null, "STANDARD_IA", base.partSize());
        S3BlobStore store = open(encrypted, 5L * MIB);
        byte[] content = bytes(11 * MIB + 3, 13);

        BlobInfo blob = put(store, content);

        assertThat(read(store, blob.digest())).isEqualTo(content);
        HeadObjectResponse head = s3.admin().headObject(r -> r.bucket(BUCKET).key(PREFIX + "/blobs/sha256/"
                + blob.digest().hex().substring(0, 2) + "/" + blob.digest().hex()));
        assertThat(head.contentLength()).isEqualTo(content.length);
    }

    @Test
    void aStoreOnAMissingBucketIsUnhealthy() {
        S3Settings missing = s3.settings("no-such-bucket");
        S3BlobStore broken = open(missing, S3BlobStore.MAX_SINGLE_COPY);
        assertThatThrownBy(broken::checkHealth).isInstanceOf(StorageException.class);
        assertThatThrownBy(broken::startUpload).isInstanceOf(StorageException.class);
    }

    @Test
    void purgeAbortsMultipartUploadsNoStateRefersToAndKeepsLiveOnes() throws Exception {
        byte[] content = bytes(5 * MIB + 1, 14);
        String live = store.startUpload().id();
        store.resumeUpload(live).append(new ByteArrayInputStream(content, 0, 5 * MIB), 5 * MIB);
        String orphanKey = PREFIX + "/uploads/" + UUID.randomUUID() + "/data";
        s3.admin().createMultipartUpload(r -> r.bucket(BUCKET).key(orphanKey));
        Thread.sleep(1100);
        Instant cutoff = Instant.now();
        Thread.sleep(1100);
        store.resumeUpload(live).append(new ByteArrayInputStream(content, 5 * MIB, 1), 1);

        assertThat(store.purgeUploadsOlderThan(cutoff)).isZero();

        assertThat(bucket.multipartUploads()).extracting(m -> m.key()).doesNotContain(orphanKey).hasSize(1);
        assertThat(store.resumeUpload(live).commit(Digest.sha256(content)).size()).isEqualTo(content.length);
    }
}
