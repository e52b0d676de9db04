package dev.registry.storage;

/**
 * A chunk carried a different number of bytes than the client announced. The chunk has been
 * rolled back: the upload is exactly as it was before the request.
 */
public class SizeMismatchException extends StorageException {
    public SizeMismatchException(long expected, long actual) {
        super("chunk length mismatch: announced " + expected + " bytes, received " + actual);
    }
}
