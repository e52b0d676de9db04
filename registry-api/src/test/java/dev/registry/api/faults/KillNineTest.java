package dev.registry.api.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, Faults 3: what must keep holding when the registry process is killed with SIGKILL (no
 * shutdown hook, no flush): a chunked upload of 256 MiB killed in the middle of a chunk resumes
 * from the offset the restarted registry reports, and its digest is verified over all bytes; an
 * image whose blobs were acknowledged before the kill gets its manifest after it; an image
 * acknowledged before the kill pulls back by digest after it. The registry runs as a child process
 * ({@link RegistryProcess}) on the shipped defaults (H2 file database, filesystem blobs).
 *
 * <p>A collection killed half-way is covered at the storage and database level by registry-core's
 * {@code GcScenarios#a_collection_killed_half_way_through_a_batch_is_finished_by_the_next_run_and_nothing_kept_is_touched}.
 */
class KillNineTest {

    private static final long MIB = 1024 * 1024;
    private static final long SIZE = 256 * MIB;
    private static final long FIRST_CHUNK = 64 * MIB;
    private static final String REPOSITORY = "kill/app";

    @TempDir
    Path folder;

    private RegistryProcess registry;
    /** Lets a stalled chunk's stream end once the registry is gone. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        if (registry != null) {
            registry.kill();
        }
    }

    @Test
    void aRegistryKilledMidChunkResumesTheUploadFromTheReportedOffsetAndKeepsWhatItAcknowledged() throws Exception {
        registry = RegistryProcess.in(folder);
        registry.start();
        RegistryClient admin = registry.admin();

        // given: an image pushed whole, and the blobs of a second one without its manifest
        Image one = Image.of(1);
        String oneDigest = one.pushBlobs(admin);
        assertThat(pushManifest(admin, "one", one.manifest()).statusCode()).isEqualTo(201);
        Image two = Image.of(2);
        two.pushBlobs(admin);

        // and a 256 MiB upload whose first 64 MiB chunk was acknowledged
        HttpResponse<String> started = admin.send("POST", "/v2/" + REPOSITORY + "/blobs/uploads/");
        assertThat(started.statusCode()).isEqualTo(202);
        HttpResponse<String> first = patch(started.headers().firstValue("Location").orElseThrow(), 0, FIRST_CHUNK, null)
                .get(10, TimeUnit.MINUTES);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String location = first.headers().firstValue("Location").orElseThrow();

        // when: the registry is killed while the second chunk is half sent
        CountDownLatch halfSent = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> second = patch(location, FIRST_CHUNK, SIZE, halfSent);
        assertThat(halfSent.await(10, TimeUnit.MINUTES)).as("the second chunk got half way").isTrue();
        Thread.sleep(1000); // let the registry write some of what it received
        registry.kill();
        release.countDown();
        assertThat(second).failsWithin(2, TimeUnit.MINUTES);
        registry.start();

        // then: the upload reports how far it got, at least the acknowledged chunk
        HttpResponse<String> status = admin.send("GET", location);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(204);
        long offset = Long.parseLong(status.headers().firstValue("Range").orElseThrow().replaceFirst("^0-", "")) + 1;
        assertThat(offset).isBetween(FIRST_CHUNK, SIZE);
        // and the client finishes it from there; the digest is verified over every byte
        String resumed = status.headers().firstValue("Location").orElse(location);
        HttpResponse<String> rest = offset < SIZE ? patch(resumed, offset, SIZE, null).get(10, TimeUnit.MINUTES) : status;
        assertThat(rest.statusCode()).as(rest.body()).isIn(202, 204);
        String digest = digest(0, SIZE);
        String last = rest.headers().firstValue("Location").orElse(resumed);
        HttpResponse<String> put = admin.send("PUT", last + (last.contains("?") ? "&" : "?") + "digest=" + digest, null,
                Map.of("Content-Type", "application/octet-stream"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(hashOfBlob(digest)).isEqualTo(digest);

        // and the image acknowledged before the kill pulls back by digest
        HttpResponse<String> pulled = admin.send("GET", "/v2/" + REPOSITORY + "/manifests/" + oneDigest, null,
                Map.of("Accept", TestImages.OCI_MANIFEST));
        assertThat(pulled.statusCode()).isEqualTo(200);
        assertThat(pulled.body()).isEqualTo(one.manifest());
        assertThat(hashOfBlob(one.layerDigest())).isEqualTo(one.layerDigest());
        // and the image whose blobs were acknowledged before the kill gets its manifest after it
        HttpResponse<String> twoPushed = pushManifest(admin, "two", two.manifest());
        assertThat(twoPushed.statusCode()).as(twoPushed.body()).isEqualTo(201);
        assertThat(hashOfBlob(two.layerDigest())).isEqualTo(two.layerDigest());
    }

    /** A small image: a config and a 1 MiB layer. */
    record Image(byte[] config, byte[] layer) {

        static Image of(long seed) {
            byte[] layer = new byte[(int) MIB];
            new Random(seed).nextBytes(layer);
            return new Image(("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}").getBytes(), layer);
        }

        String layerDigest() {
            return RegistryClient.digest(layer);
        }

        String manifest() {
            return TestImages.ociManifest(RegistryClient.digest(config), config.length, layerDigest(), layer.length);
        }

        /** Pushes both blobs; returns the digest the manifest will have. */
        String pushBlobs(RegistryClient client) {
            client.pushBlob(REPOSITORY, config);
            client.pushBlob(REPOSITORY, layer);
            return RegistryClient.digest(manifest().getBytes());
        }
    }

    private static HttpResponse<String> pushManifest(RegistryClient client, String tag, String manifest) {
        return client.pushManifest(REPOSITORY, tag, TestImages.OCI_MANIFEST, manifest);
    }

    /**
     * PATCHes bytes [from, to) of the upload's content, streamed; when {@code halfSent} is given, the
     * stream counts it down half way and then stalls until the server goes away.
     */
    private CompletableFuture<HttpResponse<String>> patch(String location, long from, long to, CountDownLatch halfSent) {
        long half = from + (to - from) / 2;
        HttpRequest request = HttpRequest.newBuilder(URI.create(location.startsWith("http") ? location
                        : "http://localhost:" + registry.port() + location))
                .header("Authorization", RegistryClient.basic(RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD))
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", from + "-" + (to - 1))
                .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new Content(from, halfSent == null ? to : half, halfSent, release)), to - from))
                .build();
        return HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** SHA-256 of the content's bytes [from, to). */
    private static String digest(long from, long to) throws IOException {
        try (InputStream in = new Content(from, to, null, null)) {
            return sha256(in);
        }
    }

    private String hashOfBlob(String digest) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + registry.port() + "/v2/" + REPOSITORY + "/blobs/" + digest))
                .header("Authorization", RegistryClient.basic(RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD))
                .build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).as("GET blob %s", digest).isEqualTo(200);
        try (InputStream in = response.body()) {
            return sha256(in);
        }
    }

    private static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The upload's 256 MiB, generated block by block from a seed so that any range can be produced
     * again without holding it in memory. With {@code stall}, it ends at {@code to} by counting the
     * latch down and then blocking (a client whose connection hangs) until {@code release}.
     */
    private static final class Content extends InputStream {

        private static final int BLOCK = 64 * 1024;
        private final long to;
        private final CountDownLatch stall;
        private final CountDownLatch release;
        private long position;
        private final byte[] block = new byte[BLOCK];
        private long blockIndex = -1;

        Content(long from, long to, CountDownLatch stall, CountDownLatch release) {
            this.position = from;
            this.to = to;
            this.stall = stall;
            this.release = release;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("read in blocks");
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= to) {
                if (stall == null) {
                    return -1;
                }
                stall.countDown();
                try {
                    release.await(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("stalled upload abandoned");
            }
            long index = position / BLOCK;
            if (index != blockIndex) {
                new Random(0x5eed + index).nextBytes(block);
                blockIndex = index;
            }
            int inBlock = (int) (position % BLOCK);
            int n = (int) Math.min(Math.min(len, BLOCK - inBlock), to - position);
            System.arraycopy(block, inBlock, b, off, n);
            position += n;
            return n;
        }
    }
}
