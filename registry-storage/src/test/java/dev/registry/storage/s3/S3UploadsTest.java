package dev.registry.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.storage.BlobInfo;
import dev.registry.storage.BlobUpload;
import dev.registry.storage.Digest;
import dev.registry.storage.DigestMismatchException;
import dev.registry.storage.SizeMismatchException;
import dev.registry.storage.UploadBusyException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * What only the S3 store has to get right: parts of at least 5 MiB built from chunks of any size,
 * both ways of verifying an upload (the in-memory digest on the instance that hashed every byte,
 * reading the bytes back anywhere else), and cleaning up after cancel and a wrong digest.
 */
class S3UploadsTest extends S3TestBase {

    /** Like UploadService: start, then every chunk through resumeUpload, on whichever store is given. */
    static String startSession(S3BlobStore store) {
        return store.startUpload().id();
    }

    static void appendChunk(S3BlobStore store, String id, byte[] content, int from, int to) throws IOException {
        store.resumeUpload(id).append(new ByteArrayInputStream(content, from, to - from), to - from);
    }

    @Test
    void sevenChunksOfOneMebibytePlusThreeBytesAreGatheredIntoPartsAndRoundTrip() throws IOException {
        assertThat(store.minimumChunkSize()).isEqualTo(5L * MIB);
        int chunk = MIB + 3;
        byte[] content = bytes(7 * chunk, 1);
        String id = startSession(store);
        for (int i = 0; i < 7; i++) {
            appendChunk(store, id, content, i * chunk, (i + 1) * chunk);
        }
        UploadState state = bucket.state(id).orElseThrow();
        assertThat(state.parts()).as("the first five chunks, once they reached 5 MiB")
                .extracting(UploadState.Part::size).containsExactly(5L * chunk);
        assertThat(state.tail().size()).isEqualTo(2L * chunk);

        BlobInfo blob = store.resumeUpload(id).commit(Digest.sha256(content));
        assertThat(blob.size()).isEqualTo(content.length);
        assertThat(read(store, blob.digest())).isEqualTo(content);
        assertThat(store.readBacks()).as("hashed while streaming, on one instance").isZero();
    }

    @Test
    void aTwelveMebibyteChunkOfUnannouncedLengthFollowedByOneByteRoundTrips() throws IOException {
        byte[] content = bytes(12 * MIB + 1, 2);
        String id = startSession(store);
        store.resumeUpload(id).append(new ByteArrayInputStream(content, 0, 12 * MIB), -1);
        appendChunk(store, id, content, 12 * MIB, content.length);
        assertThat(bucket.state(id).orElseThrow().parts()).hasSize(2);

        BlobInfo blob = store.resumeUpload(id).commit(Digest.sha256(content));
        assertThat(read(store, blob.digest())).isEqualTo(content);
    }

    @Test
    void aFirstChunkKeptAsOneObjectIsSplitIntoPartsWhenMoreChunksFollow() throws IOException {
        byte[] content = bytes(12 * MIB + 1, 12);
        String id = startSession(store);
        appendChunk(store, id, content, 0, 9 * MIB);
        UploadState single = bucket.state(id).orElseThrow();
        assertThat(single.multipart()).isNull();
        assertThat(single.tail().size()).isEqualTo(9L * MIB);

        appendChunk(store, id, content, 9 * MIB, 12 * MIB);
        appendChunk(store, id, content, 12 * MIB, content.length);
        UploadState state = bucket.state(id).orElseThrow();
        assertThat(state.parts()).extracting(UploadState.Part::size).containsExactly(5L * MIB, 7L * MIB);
        assertThat(state.tail().size()).isEqualTo(1);

        BlobInfo blob = store.resumeUpload(id).commit(Digest.sha256(content));
        assertThat(read(store, blob.digest())).isEqualTo(content);
        assertThat(store.readBacks()).isZero();
    }

    @Test
    void aSessionContinuedOnOtherInstancesIsVerifiedByReadingTheBytesBack() throws IOException {
        byte[] content = bytes(9 * MIB + 5, 3);
        String id = startSession(store);
        appendChunk(store, id, content, 0, 3 * MIB + 1);
        appendChunk(open(), id, content, 3 * MIB + 1, 7 * MIB);
        appendChunk(open(), id, content, 7 * MIB, content.length);

        S3BlobStore committer = open();
        S3BlobUpload elsewhere = (S3BlobUpload) committer.resumeUpload(id);
        assertThat(elsewhere.digestKnownHere()).isFalse();
        assertThat(elsewhere.commit(Digest.sha256(content)).size()).isEqualTo(content.length);
        assertThat(committer.readBacks()).isEqualTo(1);
        assertThat(read(store, Digest.sha256(content))).isEqualTo(content);
    }

    @Test
    void aMonolithicUploadContinuedElsewhereIsVerifiedByReadingTheBytesBack() throws IOException {
        byte[] content = bytes(6 * MIB + 9, 4);
        BlobUpload monolithic = store.startUpload();
        monolithic.append(new ByteArrayInputStream(content, 0, 6 * MIB), -1);
        assertThat(((S3BlobUpload) monolithic).digestKnownHere()).as("the fast in-memory hash was used").isTrue();
        S3BlobStore other = open();
        appendChunk(other, monolithic.id(), content, 6 * MIB, content.length);

        assertThat(other.resumeUpload(monolithic.id()).commit(Digest.sha256(content)).size()).isEqualTo(content.length);
        assertThat(read(other, Digest.sha256(content))).isEqualTo(content);

        BlobUpload wrong = store.startUpload();
        wrong.append(new ByteArrayInputStream(content, 0, 100), -1);
        appendChunk(other, wrong.id(), content, 100, 200);
        assertThatThrownBy(() -> other.resumeUpload(wrong.id()).commit(Digest.sha256(content)))
                .isInstanceOf(DigestMismatchException.class);
    }

    @Test
    void aBlobSentAsStartOnePatchAndPutOnOneInstanceIsCommittedWithoutReadingItBack() throws IOException {
        byte[] content = bytes(6 * MIB + 11, 8);
        String id = startSession(store);
        appendChunk(store, id, content, 0, content.length);
        S3BlobUpload put = (S3BlobUpload) store.resumeUpload(id);
        assertThat(put.digestKnownHere()).isTrue();

        assertThat(put.commit(Digest.sha256(content)).size()).isEqualTo(content.length);
        assertThat(store.readBacks()).isZero();
        assertThat(read(store, Digest.sha256(content))).isEqualTo(content);
    }

    @Test
    void aCommitOnASecondInstanceReadsTheBytesBackVerifiesThemAndRefusesAWrongDigestLeavingNothing()
            throws IOException {
        byte[] content = bytes(5 * MIB + 17, 9);
        String id = startSession(store);
        appendChunk(store, id, content, 0, content.length);
        S3BlobStore other = open();

        assertThat(other.resumeUpload(id).commit(Digest.sha256(content)).size()).isEqualTo(content.length);
        assertThat(other.readBacks()).isEqualTo(1);
        assertThat(read(store, Digest.sha256(content))).isEqualTo(content);
        store.delete(Digest.sha256(content));

        String wrong = startSession(store);
        appendChunk(store, wrong, content, 0, content.length);
        assertThatThrownBy(() -> other.resumeUpload(wrong).commit(Digest.sha256("other".getBytes())))
                .isInstanceOf(DigestMismatchException.class);
        assertThat(other.readBacks()).isEqualTo(2);
        assertThat(store.readBacks()).isZero();
        assertThat(bucket.blobKeys()).isEmpty();
        assertThat(bucket.multipartUploads()).isEmpty();
        assertThat(bucket.uploadKeys()).isEmpty();
    }

    @Test
    void aChunkAppendedOnAnotherInstanceInBetweenMakesTheFirstInstanceReadTheBytesBack() throws IOException {
        byte[] content = bytes(3 * MIB, 10);
        String id = startSession(store);
        appendChunk(store, id, content, 0, MIB);
        appendChunk(open(), id, content, MIB, 2 * MIB);
        appendChunk(store, id, content, 2 * MIB, content.length);
        assertThat(((S3BlobUpload) store.resumeUpload(id)).digestKnownHere()).isFalse();

        assertThat(store.resumeUpload(id).commit(Digest.sha256(content)).size()).isEqualTo(content.length);
        assertThat(store.readBacks()).isEqualTo(1);
        assertThat(read(store, Digest.sha256(content))).isEqualTo(content);
    }

    @Test
    void aFailedAppendLeavesTheInMemoryDigestCoveringOnlyTheSavedBytes() throws IOException {
        byte[] content = bytes(2 * MIB, 11);
        String id = startSession(store);
        appendChunk(store, id, content, 0, MIB);
        assertThatThrownBy(() -> store.resumeUpload(id).append(new ByteArrayInputStream(content, MIB, 10), 11))
                .isInstanceOf(SizeMismatchException.class);
        assertThat(bucket.state(id).orElseThrow().size()).isEqualTo(MIB);
        appendChunk(store, id, content, MIB, content.length);

        assertThat(store.resumeUpload(id).commit(Digest.sha256(content)).size()).isEqualTo(content.length);
        assertThat(store.readBacks()).as("the failed append's bytes never entered the kept digest").isZero();
        assertThat(read(store, Digest.sha256(content))).isEqualTo(content);
    }

    @Test
    void cancelLeavesNoMultipartUploadAndNoStagingObject() throws IOException {
        byte[] content = bytes(11 * MIB + 100, 5);
        String id = startSession(store);
        appendChunk(store, id, content, 0, content.length);
        assertThat(bucket.multipartUploads()).hasSize(1);

        open().resumeUpload(id).cancel();

        assertThat(bucket.multipartUploads()).isEmpty();
        assertThat(bucket.uploadKeys()).isEmpty();
    }

    @Test
    void aWrongDigestLeavesNothingUnderBlobsNoMultipartUploadAndNoStagingObject() throws IOException {
        byte[] content = bytes(11 * MIB + 100, 6);
        String id = startSession(store);
        appendChunk(store, id, content, 0, content.length);
        assertThat(bucket.multipartUploads()).hasSize(1);

        assertThatThrownBy(() -> store.resumeUpload(id).commit(Digest.sha256("other".getBytes())))
                .isInstanceOf(DigestMismatchException.class);

        assertThat(store.readBacks()).as("refused on the in-memory digest").isZero();
        assertThat(bucket.blobKeys()).isEmpty();
        assertThat(bucket.multipartUploads()).isEmpty();
        assertThat(bucket.uploadKeys()).isEmpty();
    }

    @Test
    void aBlobAboveTheSingleCopyLimitIsPublishedByAMultipartCopy() throws IOException {
        S3BlobStore smallCopies = open(s3.settings(BUCKET).withPrefix(PREFIX), 5L * MIB);
        byte[] content = bytes(12 * MIB + 7, 7);
        BlobUpload upload = smallCopies.startUpload();
        upload.append(new ByteArrayInputStream(content), content.length);

        assertThat(upload.commit(Digest.sha256(content)).size()).isEqualTo(content.length);
        assertThat(read(smallCopies, Digest.sha256(content))).isEqualTo(content);
        assertThat(bucket.multipartUploads()).isEmpty();
    }

    @Test
    void aSecondAppendToAnUploadIsRefusedWhileTheFirstIsStillStreaming() throws Exception {
        String id = startSession(store);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HeldStream slowClient = new HeldStream(new byte[0], release);
        Thread first = Thread.ofVirtual().start(() -> {
            try {
                store.resumeUpload(id).append(slowClient, -1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        slowClient.drained.await();
        assertThatThrownBy(() -> store.resumeUpload(id).append(new ByteArrayInputStream(new byte[10]), 10))
                .isInstanceOf(UploadBusyException.class);
        release.countDown();
        first.join();
        store.resumeUpload(id).cancel();
    }

    /**
     * Buffers take their bytes from one process-wide budget (UploadMemory): with room for two
     * appends' buffers, a third concurrent append waits before it reads a byte, then completes once
     * the others are done; nothing is lost and the budget is whole again afterwards.
     */
    @Test
    void concurrentAppendsWaitForBufferMemoryInsteadOfExhaustingTheHeap() throws Exception {
        UploadMemory memory = new UploadMemory(0, PartBuffer.capacity(S3Settings.MIN_PART_SIZE), java.time.Duration.ofSeconds(60));
        S3BlobStore limited = limitedStore(memory);
        assertThat(memory.budget()).isEqualTo(2L * (S3Settings.MIN_PART_SIZE + S3Settings.MIN_PART_SIZE));

        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.List<HeldStream> clients = new java.util.ArrayList<>();
        java.util.List<Thread> appends = new java.util.ArrayList<>();
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HeldStream client = new HeldStream(bytes(9 * MIB, 300 + i), release);
            String id = startSession(limited);
            clients.add(client);
            ids.add(id);
            appends.add(Thread.ofVirtual().start(() -> {
                try {
                    limited.resumeUpload(id).append(client, -1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
            if (i < 2) {
                client.drained.await(); // its buffer holds the 9 MiB
            }
        }
        Thread.sleep(300);
        assertThat(memory.free()).isZero();
        assertThat(clients.get(2).read).as("the third append waits for memory before reading").isZero();

        release.countDown();
        for (Thread append : appends) {
            append.join();
        }
        for (int i = 0; i < 3; i++) {
            byte[] content = clients.get(i).content;
            BlobInfo blob = limited.resumeUpload(ids.get(i)).commit(Digest.sha256(content));
            assertThat(read(limited, blob.digest())).isEqualTo(content);
        }
        assertThat(memory.free()).isEqualTo(memory.budget());
    }

    /** An append that gets no memory within the wait fails as unavailable (503) and leaves the upload as it was. */
    @Test
    void anAppendThatGetsNoBufferMemoryFailsAndLeavesTheUploadAsItWas() throws Exception {
        UploadMemory memory = new UploadMemory(0, PartBuffer.capacity(S3Settings.MIN_PART_SIZE), java.time.Duration.ofMillis(200));
        S3BlobStore limited = limitedStore(memory);
        String id = startSession(limited);
        appendChunk(limited, id, bytes(1000, 310), 0, 1000);
        try (UploadMemory.Lease everything = memory.lease()) {
            everything.growTo(Math.toIntExact(memory.budget()));
            assertThatThrownBy(() -> appendChunk(limited, id, bytes(2000, 311), 0, 2000))
                    .isInstanceOf(dev.registry.storage.StorageException.class)
                    .hasMessageContaining("no memory for upload buffers");
        }
        assertThat(limited.resumeUpload(id).size()).isEqualTo(1000);
        limited.resumeUpload(id).cancel();
        assertThat(memory.free()).isEqualTo(memory.budget());
    }

    /** A store with 5 MiB parts whose uploads take buffer memory from {@code memory}. */
    private static S3BlobStore limitedStore(UploadMemory memory) {
        S3Settings settings = s3.settings(BUCKET).withPrefix(PREFIX).withPartSize(S3Settings.MIN_PART_SIZE);
        S3BlobStore limited = new S3BlobStore(settings, S3BlobStore.MAX_SINGLE_COPY, java.util.List.of(), memory);
        OPENED.add(limited);
        return limited;
    }

    /** A client body: its bytes, then it holds the stream open until released (counts what was read). */
    private static final class HeldStream extends InputStream {
        final byte[] content;
        final java.util.concurrent.CountDownLatch drained = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch release;
        volatile int read;

        HeldStream(byte[] content, java.util.concurrent.CountDownLatch release) {
            this.content = content;
            this.release = release;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (read == content.length) {
                drained.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return -1;
            }
            int n = Math.min(len, content.length - read);
            System.arraycopy(content, read, b, off, n);
            read += n;
            return n;
        }
    }
}
