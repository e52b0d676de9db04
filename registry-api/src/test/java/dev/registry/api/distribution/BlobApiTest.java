package dev.registry.api.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.storage.Digest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Distribution spec end-2 (HEAD/GET blob), end-4b (monolithic POST), end-10 (DELETE blob), Range reads. */
class BlobApiTest extends ApiTestBase {

    @Test
    void aMonolithicPushAnswers201AndTheBlobCanBeHeadAndGetWithExactBytes() {
        String repo = uniqueRepo("blobs");
        byte[] content = bytes(1_500_000, 11);
        String digest = RegistryClient.digest(content);
        HttpResponse<String> post = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, content,
                Map.of("Content-Type", "application/octet-stream"));
        assertThat(post.statusCode()).isEqualTo(201);
        assertThat(post.headers().firstValue("Location")).contains("/v2/" + repo + "/blobs/" + digest);
        assertThat(post.headers().firstValue("Docker-Content-Digest")).contains(digest);

        HttpResponse<String> head = client.send("HEAD", "/v2/" + repo + "/blobs/" + digest);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains(String.valueOf(content.length));
        assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(digest);

        HttpResponse<byte[]> get = client.sendForBytes("GET", "/v2/" + repo + "/blobs/" + digest, Map.of());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(content);
    }

    @Test
    void aRangeRequestAnswers206WithThatSliceAndARangeOutsideTheBlobAnswers416() {
        String repo = uniqueRepo("range");
        byte[] content = bytes(100_000, 12);
        String digest = client.pushBlob(repo, content);

        HttpResponse<byte[]> part = client.sendForBytes("GET", "/v2/" + repo + "/blobs/" + digest, Map.of("Range", "bytes=1000-1999"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 1000-1999/100000");
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(content, 1000, 2000));

        HttpResponse<byte[]> tail = client.sendForBytes("GET", "/v2/" + repo + "/blobs/" + digest, Map.of("Range", "bytes=99990-"));
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(content, 99_990, 100_000));

        HttpResponse<String> outside = client.send("GET", "/v2/" + repo + "/blobs/" + digest, null, Map.of("Range", "bytes=100000-100010"));
        assertOciError(outside, 416, "RANGE_INVALID");
        assertThat(outside.headers().firstValue("Content-Range")).contains("bytes */100000");
    }

    @Test
    void aBlobIsReachableOnlyInTheRepositoriesThatLinkIt() {
        String a = uniqueRepo("linked");
        String b = uniqueRepo("unlinked");
        String digest = client.pushBlob(a, bytes(500, 13));
        assertThat(client.send("HEAD", "/v2/" + a + "/blobs/" + digest).statusCode()).isEqualTo(200);
        assertThat(client.send("HEAD", "/v2/" + b + "/blobs/" + digest).statusCode()).isEqualTo(404);
        assertOciError(client.send("GET", "/v2/" + b + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
    }

    @Test
    void deletingABlobAnswers202AndUnlinksItFromThatRepositoryOnly() {
        String a = uniqueRepo("del");
        String b = uniqueRepo("keep");
        byte[] content = bytes(700, 14);
        String digest = client.pushBlob(a, content);
        client.pushBlob(b, content);
        assertThat(client.send("DELETE", "/v2/" + a + "/blobs/" + digest).statusCode()).isEqualTo(202);
        assertOciError(client.send("GET", "/v2/" + a + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
        assertOciError(client.send("DELETE", "/v2/" + a + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
        assertThat(client.sendForBytes("GET", "/v2/" + b + "/blobs/" + digest, Map.of()).body()).isEqualTo(content);
    }

    @Test
    void aMonolithicPushWithTheWrongDigestIsRefusedAndNothingIsVisible() {
        String repo = uniqueRepo("wrong");
        byte[] content = bytes(2048, 15);
        String claimed = RegistryClient.digest("something else".getBytes());
        HttpResponse<String> post = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + claimed, content,
                Map.of("Content-Type", "application/octet-stream"));
        assertOciError(post, 400, "DIGEST_INVALID");
        assertThat(client.send("HEAD", "/v2/" + repo + "/blobs/" + claimed).statusCode()).isEqualTo(404);
        assertThat(client.send("HEAD", "/v2/" + repo + "/blobs/" + RegistryClient.digest(content)).statusCode()).isEqualTo(404);
    }

    @Test
    void aSha512DigestIsAcceptedForBlobs() {
        String repo = uniqueRepo("sha512");
        byte[] content = bytes(3000, 16);
        String digest = Digest.of("sha512", content).toString();
        HttpResponse<String> post = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, content,
                Map.of("Content-Type", "application/octet-stream"));
        assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
        assertThat(client.sendForBytes("GET", "/v2/" + repo + "/blobs/" + digest, Map.of()).body()).isEqualTo(content);
    }

    @Test
    void anEmptyBlobCanBePushedAndFetched() {
        String repo = uniqueRepo("empty");
        String digest = client.pushBlob(repo, new byte[0]);
        HttpResponse<byte[]> get = client.sendForBytes("GET", "/v2/" + repo + "/blobs/" + digest, Map.of());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEmpty();
    }

    @Test
    void aBlobSentWithAFormContentTypeIsStoredAsBytesNotParsedAsFormFields() {
        String repo = uniqueRepo("form");
        byte[] content = "a=1&b=2".getBytes();
        String digest = RegistryClient.digest(content);
        HttpResponse<String> post = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, content,
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
        assertThat(client.sendForBytes("GET", "/v2/" + repo + "/blobs/" + digest, Map.of()).body()).isEqualTo(content);
    }

    @Test
    void aLinkedBlobWhoseBytesAreGoneFromStorageIsBlobUnknownNotAServerError() throws Exception {
        String repo = uniqueRepo("gone");
        byte[] content = ("bytes that vanish " + System.nanoTime()).getBytes();
        String digest = client.pushBlob(repo, content);
        String hex = digest.substring("sha256:".length());
        java.nio.file.Files.delete(java.nio.file.Path.of("target/test-data/blobs/blobs/sha256", hex.substring(0, 2), hex));
        assertOciError(client.send("GET", "/v2/" + repo + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
    }
}
