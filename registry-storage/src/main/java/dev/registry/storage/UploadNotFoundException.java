package dev.registry.storage;

/** No open upload has this id (never started, finished, cancelled or expired). */
public class UploadNotFoundException extends StorageException {
    public UploadNotFoundException(String uploadId) {
        super("upload " + uploadId + " is unknown");
    }
}
