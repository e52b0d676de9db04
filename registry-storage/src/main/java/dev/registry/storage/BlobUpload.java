package dev.registry.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * An open upload: bytes appended in order, invisible until {@link #commit(Digest)} verified them.
 *
 * <p>Contracts every implementation keeps:
 * <ul>
 *   <li>{@link #append} is atomic per call: if the stream fails part-way (client disconnect) or
 *       carries a different length than announced, the upload is left exactly as before the call.</li>
 *   <li>An upload may be continued through {@link BlobStore#resumeUpload} by any process sharing
 *       the store; the digest is still verified over every byte.</li>
 *   <li>{@link #commit} makes the blob visible under its content address only when the bytes hash
 *       to {@code expected}; on mismatch the upload is discarded and nothing is kept.</li>
 *   <li>Two uploads of the same content may commit concurrently; both succeed and one blob results.</li>
 *   <li>When {@link #commit} returns, the blob is durable: it survives a power loss, not only a
 *       crash of the process (the caller acknowledges the push after recording it). Appended bytes
 *       need not be: after a crash {@link #size} reports what survived and the client resumes from
 *       there, and the commit verifies the digest over the bytes that are really there.</li>
 * </ul>
 */
public interface BlobUpload {

    String id();

    /** Bytes received so far, i.e. the offset the next chunk must start at. */
    long size();

    /**
     * Appends the whole stream.
     *
     * @param expectedLength the announced chunk length, or -1 when the client did not announce one
     * @return the number of bytes appended
     * @throws SizeMismatchException when {@code expectedLength} is set and differs (rolled back)
     * @throws IOException when the stream fails (rolled back)
     */
    long append(InputStream in, long expectedLength) throws IOException;

    /**
     * Verifies the digest over all bytes and publishes the blob.
     *
     * @throws DigestMismatchException when the content does not match (the upload is discarded)
     */
    BlobInfo commit(Digest expected) throws IOException;

    /** Discards the upload and its bytes. Idempotent. */
    void cancel();
}
