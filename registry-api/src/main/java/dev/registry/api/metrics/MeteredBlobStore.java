package dev.registry.api.metrics;

import dev.registry.storage.BlobInfo;
import dev.registry.storage.BlobStore;
import dev.registry.storage.BlobUpload;
import dev.registry.storage.Digest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The blob store with its operations measured: {@code registry.storage.operations} (a timer per operation and outcome,
 * {@code success} or {@code error}) and the blob bytes this replica received into it ({@code registry.blob.bytes.received},
 * upload bodies) and sent from it ({@code registry.blob.bytes.sent}, blob reads; a pull redirected to S3 sends none). Labels are
 * the operation, the outcome and the store's kind only: never a digest.
 */
public final class MeteredBlobStore implements BlobStore, AutoCloseable {

    /** The latency histogram's buckets: a dozen, from a local file's stat to a slow multipart commit. */
    private static final Duration[] BUCKETS = java.util.stream.Stream.of("1ms", "5ms", "10ms", "25ms", "50ms", "100ms", "250ms",
            "500ms", "1s", "2500ms", "5s", "10s", "30s").map(MeteredBlobStore::duration).toArray(Duration[]::new);

    private final BlobStore store;
    private final MeterRegistry meters;
    private final Counter received;
    private final Counter sent;

    public MeteredBlobStore(BlobStore store, MeterRegistry meters) {
        this.store = store;
        this.meters = meters;
        this.received = Counter.builder("registry.blob.bytes.received").baseUnit("bytes")
                .description("Blob bytes received into the blob store (upload bodies)").tag("store", store.kind()).register(meters);
        this.sent = Counter.builder("registry.blob.bytes.sent").baseUnit("bytes")
                .description("Blob bytes read from the blob store to be sent (a pull redirected to S3 sends none)")
                .tag("store", store.kind()).register(meters);
    }

    private static Duration duration(String text) {
        return org.springframework.boot.convert.DurationStyle.SIMPLE.parse(text);
    }

    /** The store measured. */
    public BlobStore delegate() {
        return store;
    }

    private interface Operation<T> {
        T run() throws IOException;
    }

    private <T> T measured(String operation, Operation<T> body) throws IOException {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = body.run();
            outcome = "success";
            return result;
        } finally {
            Timer.builder("registry.storage.operations").description("Blob store operations by operation and outcome")
                    .tags("operation", operation, "outcome", outcome, "store", store.kind()).serviceLevelObjectives(BUCKETS)
                    .register(meters).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private <T> T unchecked(String operation, java.util.function.Supplier<T> body) {
        try {
            return measured(operation, body::get);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // never: the supplier throws no IOException
        }
    }

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
        return unchecked("stat", () -> store.stat(digest));
    }

    @Override
    public InputStream open(Digest digest, long offset) throws IOException {
        return new FilterInputStream(measured("open", () -> store.open(digest, offset))) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    sent.increment();
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                int n = super.read(buffer, off, len);
                if (n > 0) {
                    sent.increment(n);
                }
                return n;
            }

            @Override
            public long transferTo(java.io.OutputStream out) throws IOException {
                long n = in.transferTo(out);
                sent.increment(n);
                return n;
            }
        };
    }

    @Override
    public Optional<Path> localFile(Digest digest) {
        return store.localFile(digest);
    }

    @Override
    public Optional<URI> redirectUrl(Digest digest, Duration lifetime) {
        return store.redirectUrl(digest, lifetime);
    }

    @Override
    public boolean delete(Digest digest) throws IOException {
        return measured("delete", () -> store.delete(digest));
    }

    @Override
    public void deleteAll(Collection<Digest> digests) throws IOException {
        measured("delete-all", () -> {
            store.deleteAll(digests);
            return null;
        });
    }

    @Override
    public void walk(Consumer<BlobInfo> visitor) throws IOException {
        measured("walk", () -> {
            store.walk(visitor);
            return null;
        });
    }

    @Override
    public BlobUpload startUpload() throws IOException {
        return new MeteredUpload(measured("start-upload", store::startUpload));
    }

    @Override
    public BlobUpload resumeUpload(String uploadId) throws IOException {
        return new MeteredUpload(measured("resume-upload", () -> store.resumeUpload(uploadId)));
    }

    @Override
    public int purgeUploadsOlderThan(Instant cutoff) throws IOException {
        return measured("purge-uploads", () -> store.purgeUploadsOlderThan(cutoff));
    }

    @Override
    public long minimumChunkSize() {
        return store.minimumChunkSize();
    }

    @Override
    public void checkHealth() throws IOException {
        measured("health", () -> {
            store.checkHealth();
            return null;
        });
    }

    @Override
    public String kind() {
        return store.kind();
    }

    @Override
    public void close() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private final class MeteredUpload implements BlobUpload {

        private final BlobUpload upload;

        MeteredUpload(BlobUpload upload) {
            this.upload = upload;
        }

        @Override
        public String id() {
            return upload.id();
        }

        @Override
        public long size() {
            return upload.size();
        }

        @Override
        public long append(InputStream in, long expectedLength) throws IOException {
            long appended = measured("append", () -> upload.append(in, expectedLength)); // all or nothing
            received.increment(appended);
            return appended;
        }

        @Override
        public BlobInfo commit(Digest expected) throws IOException {
            return measured("commit", () -> upload.commit(expected));
        }

        @Override
        public void cancel() {
            unchecked("cancel", () -> {
                upload.cancel();
                return null;
            });
        }
    }
}
