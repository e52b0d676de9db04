package dev.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one contract every {@link BlobStore} implementation passes (the way CNCF Distribution's
 * storage drivers share one suite). Subclasses only say how to build a fresh, empty store.
 */
public abstract class BlobStoreContractTest {

    protected BlobStore store;

    /** A new store over empty storage. */
    protected abstract BlobStore createStore() throws Exception;

    /** A second handle on the same storage, as another replica would have. */
    protected abstract BlobStore secondHandleOnSameStorage() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        store = createStore();
    }

    @AfterEach
    void tearDown() throws Exception {
        List<BlobInfo> all = new ArrayList<>();
        store.walk(all::add);
        for (BlobInfo blob : all) {
            store.delete(blob.digest());
        }
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private BlobInfo put(byte[] content) throws IOException {
        BlobUpload upload = store.startUpload();
        upload.append(new ByteArrayInputStream(content), content.length);
        return upload.commit(Digest.sha256(content));
    }

    private byte[] read(Digest digest, long offset) throws IOException {
        try (InputStream in = store.open(digest, offset)) {
            return in.readAllBytes();
        }
    }

    @Test
    void anUnknownBlobIsNotThere() throws IOException {
        Digest digest = Digest.sha256("nothing".getBytes());
        assertThat(store.stat(digest)).isEmpty();
        assertThatThrownBy(() -> store.open(digest, 0)).isInstanceOf(BlobNotFoundException.class);
        assertThat(store.delete(digest)).isFalse();
    }

    @Test
    void anEmptyBlobRoundTrips() throws IOException {
        BlobInfo info = put(new byte[0]);
        assertThat(info.size()).isZero();
        assertThat(store.stat(info.digest())).contains(info);
        assertThat(read(info.digest(), 0)).isEmpty();
    }

    @Test
    void aTinyAndAMultiMebibyteBlobRoundTripWithRanges() throws IOException {
        byte[] tiny = "hello".getBytes();
        byte[] big = randomBytes(7 * 1024 * 1024 + 13, 1);
        BlobInfo t = put(tiny);
        BlobInfo b = put(big);
        assertThat(read(t.digest(), 0)).isEqualTo(tiny);
        assertThat(read(b.digest(), 0)).isEqualTo(big);
        assertThat(read(b.digest(), 5_000_000)).isEqualTo(java.util.Arrays.copyOfRange(big, 5_000_000, big.length));
        assertThat(store.stat(b.digest())).map(BlobInfo::size).contains((long) big.length);
    }

    @Test
    void aBlobIsInvisibleUntilCommitted() throws IOException {
        byte[] content = randomBytes(1000, 2);
        BlobUpload upload = store.startUpload();
        upload.append(new ByteArrayInputStream(content), -1);
        assertThat(store.stat(Digest.sha256(content))).isEmpty();
        upload.commit(Digest.sha256(content));
        assertThat(store.stat(Digest.sha256(content))).isPresent();
    }

    @Test
    void chunksAppendInOrderAndTheUploadResumesFromAnotherHandle() throws Exception {
        byte[] content = randomBytes(3 * 1024 * 1024 + 7, 3);
        BlobUpload upload = store.startUpload();
        upload.append(new ByteArrayInputStream(content, 0, 1_000_000), 1_000_000);
        assertThat(upload.size()).isEqualTo(1_000_000);

        BlobUpload resumed = secondHandleOnSameStorage().resumeUpload(upload.id());
        assertThat(resumed.size()).isEqualTo(1_000_000);
        resumed.append(new ByteArrayInputStream(content, 1_000_000, content.length - 1_000_000), -1);

        BlobInfo info = store.resumeUpload(upload.id()).commit(Digest.sha256(content));
        assertThat(info.size()).isEqualTo(content.length);
        assertThat(read(info.digest(), 0)).isEqualTo(content);
    }

    @Test
    void aWrongDigestOnCommitLeavesNothingVisibleOrKept() throws IOException {
        byte[] content = randomBytes(4096, 4);
        BlobUpload upload = store.startUpload();
        upload.append(new ByteArrayInputStream(content), -1);
        Digest wrong = Digest.sha256("other".getBytes());
        assertThatThrownBy(() -> upload.commit(wrong)).isInstanceOf(DigestMismatchException.class);
        assertThat(store.stat(wrong)).isEmpty();
        assertThat(store.stat(Digest.sha256(content))).isEmpty();
        assertThatThrownBy(() -> store.resumeUpload(upload.id())).isInstanceOf(UploadNotFoundException.class);
    }

    @Test
    void aSha512DigestIsVerifiedToo() throws IOException {
        byte[] content = randomBytes(10_000, 5);
        BlobUpload upload = store.startUpload();
        upload.append(new ByteArrayInputStream(content), -1);
        Digest sha512 = Digest.of("sha512", content);
        assertThat(upload.commit(sha512).digest()).isEqualTo(sha512);
        assertThat(read(sha512, 0)).isEqualTo(content);
    }

    @Test
    void aChunkOfTheWrongLengthIsRolledBack() throws IOException {
        byte[] content = randomBytes(2000, 6);
        BlobUpload upload = store.startUpload();
        upload.append(new ByteArrayInputStream(content, 0, 1000), 1000);
        assertThatThrownBy(() -> upload.append(new ByteArrayInputStream(content, 1000, 500), 1000))
                .isInstanceOf(SizeMismatchException.class);
        assertThat(upload.size()).isEqualTo(1000);
        // longer than announced (the filesystem store then copies through a buffer of the announced size)
        assertThatThrownBy(() -> upload.append(new ByteArrayInputStream(content, 1000, 1000), 10))
                .isInstanceOf(SizeMismatchException.class);
        assertThat(upload.size()).isEqualTo(1000);
        assertThat(upload.append(new ByteArrayInputStream(new byte[0]), 0)).isZero();
        upload.append(new ByteArrayInputStream(content, 1000, 1000), 1000);
        assertThat(upload.commit(Digest.sha256(content)).size()).isEqualTo(2000);
    }

    @Test
    void aStreamThatBreaksMidChunkIsRolledBackAndTheUploadStillCompletes() throws IOException {
        byte[] content = randomBytes(300_000, 7);
        BlobUpload upload = store.startUpload();
        upload.append(new ByteArrayInputStream(content, 0, 100_000), -1);
        InputStream breaking = new InputStream() {
            int left = 50_000;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    throw new IOException("client went away");
                }
                int n = Math.min(len, Math.min(left, 1000));
                left -= n;
                return n;
            }
        };
        assertThatThrownBy(() -> upload.append(breaking, -1)).isInstanceOf(IOException.class);
        assertThat(upload.size()).isEqualTo(100_000);
        upload.append(new ByteArrayInputStream(content, 100_000, 200_000), -1);
        assertThat(upload.commit(Digest.sha256(content)).size()).isEqualTo(300_000);
    }

    @Test
    void cancelDiscardsTheUpload() throws IOException {
        BlobUpload upload = store.startUpload();
        upload.append(new ByteArrayInputStream(new byte[10]), -1);
        upload.cancel();
        upload.cancel();
        assertThatThrownBy(() -> store.resumeUpload(upload.id())).isInstanceOf(UploadNotFoundException.class);
        assertThatThrownBy(() -> store.resumeUpload("not-an-id")).isInstanceOf(UploadNotFoundException.class);
    }

    @Test
    void concurrentUploadsOfTheSameContentBothSucceedAndLeaveOneBlob() throws Exception {
        byte[] content = randomBytes(2 * 1024 * 1024, 8);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<BlobInfo>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit((Callable<BlobInfo>) () -> put(content)));
            }
            for (Future<BlobInfo> result : results) {
                assertThat(result.get().digest()).isEqualTo(Digest.sha256(content));
            }
        } finally {
            pool.shutdown();
        }
        List<BlobInfo> all = new ArrayList<>();
        store.walk(all::add);
        assertThat(all).containsExactly(new BlobInfo(Digest.sha256(content), content.length));
        assertThat(read(Digest.sha256(content), 0)).isEqualTo(content);
    }

    @Test
    void deleteAllRemovesEveryBlobGivenLeavesTheOthersAndIgnoresMissingOnes() throws IOException {
        List<Digest> doomed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            doomed.add(put(("doomed " + i).getBytes()).digest());
        }
        BlobInfo kept = put("kept".getBytes());
        doomed.add(Digest.sha256("never stored".getBytes()));

        store.deleteAll(doomed);
        store.deleteAll(doomed); // idempotent: a re-run of a garbage collection batch

        for (Digest digest : doomed) {
            assertThat(store.stat(digest)).isEmpty();
        }
        assertThat(read(kept.digest(), 0)).isEqualTo("kept".getBytes());
    }

    @Test
    void deleteRemovesTheBlobAndIsIdempotent() throws IOException {
        BlobInfo info = put("gone soon".getBytes());
        assertThat(store.delete(info.digest())).isTrue();
        assertThat(store.delete(info.digest())).isFalse();
        assertThat(store.stat(info.digest())).isEmpty();
    }

    @Test
    void walkListsEveryCommittedBlobAndNothingElse() throws IOException {
        BlobInfo a = put("a".getBytes());
        BlobInfo b = put("b".getBytes());
        store.startUpload().append(new ByteArrayInputStream("pending".getBytes()), -1);
        List<BlobInfo> all = new ArrayList<>();
        store.walk(all::add);
        assertThat(all).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void staleUploadsArePurged() throws IOException {
        BlobUpload upload = store.startUpload();
        assertThat(store.purgeUploadsOlderThan(java.time.Instant.now().minusSeconds(3600))).isZero();
        assertThat(store.purgeUploadsOlderThan(java.time.Instant.now().plusSeconds(1))).isGreaterThanOrEqualTo(1);
        assertThatThrownBy(() -> store.resumeUpload(upload.id())).isInstanceOf(UploadNotFoundException.class);
    }

    @Test
    void theStoreReportsHealthy() throws IOException {
        store.checkHealth();
    }
}
