package dev.registry.storage;

/** Another request (in this process or another replica) is writing to the same upload right now. */
public class UploadBusyException extends StorageException {
    public UploadBusyException(String uploadId) {
        super("upload " + uploadId + " is being written by another request");
    }
}
