package dev.registry.storage;

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
 * Content-addressed blob bytes, stored once for the whole registry.
 *
 * <p>The store knows digests, streams and uploads only: which repository may see a blob is the
 * business of the metadata (registry-core), never of the store. A blob is visible here only after
 * its digest was verified on {@link BlobUpload#commit}. Every implementation passes the one
 * contract suite {@code BlobStoreContractTest}.
 */
public interface BlobStore {

    /** Size of a verified blob, or empty when the store does not hold it. */
    Optional<BlobInfo> stat(Digest digest);

    /**
     * Streams a verified blob from {@code offset} to its end.
     *
     * @throws BlobNotFoundException when the blob is not stored
     */
    InputStream open(Digest digest, long offset) throws IOException;

    /**
     * The local file holding a blob, for zero-copy transfer by the HTTP layer; empty for stores
     * whose bytes are not on a local filesystem.
     */
    default Optional<Path> localFile(Digest digest) {
        return Optional.empty();
    }

    /** A URL the client may fetch the bytes from directly (presigned); empty when not supported. */
    default Optional<URI> redirectUrl(Digest digest, Duration lifetime) {
        return Optional.empty();
    }

    /** Deletes a blob's bytes. Idempotent: returns false when there was nothing to delete. */
    boolean delete(Digest digest) throws IOException;

    /**
     * Deletes the bytes of several blobs (garbage collection's batches). Idempotent: missing blobs
     * are fine. Stores with a bulk delete override it.
     */
    default void deleteAll(Collection<Digest> digests) throws IOException {
        for (Digest digest : digests) {
            delete(digest);
        }
    }

    /** Visits every verified blob (for garbage collection). */
    void walk(Consumer<BlobInfo> visitor) throws IOException;

    /** Opens a new, empty upload. */
    BlobUpload startUpload() throws IOException;

    /**
     * Re-opens an upload started earlier, possibly by another process.
     *
     * @throws UploadNotFoundException when no such upload is open
     */
    BlobUpload resumeUpload(String uploadId) throws IOException;

    /** Removes the bytes of uploads untouched since {@code cutoff}; returns how many were removed. */
    int purgeUploadsOlderThan(Instant cutoff) throws IOException;

    /**
     * The smallest chunk (except the last) this store can take, announced to clients as
     * {@code OCI-Chunk-Min-Length}; 0 when any size works.
     */
    default long minimumChunkSize() {
        return 0;
    }

    /** Throws when the store cannot serve reads and writes right now (readiness probe). */
    void checkHealth() throws IOException;

    /** What kind of store this is, as the system information and metrics name it ({@code filesystem}, {@code s3}). */
    default String kind() {
        return getClass().getSimpleName();
    }
}
