package dev.registry.storage;

/** Base of every failure a {@link BlobStore} reports; unchecked so callers choose where to map it. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
