package dev.registry.storage;

/** The store holds no verified blob under this digest. */
public class BlobNotFoundException extends StorageException {
    public BlobNotFoundException(Digest digest) {
        super("blob " + digest + " is not in storage");
    }
}
