package dev.registry.storage;

/**
 * The bytes of an upload do not hash to the digest the client declared. The upload has been
 * discarded when this is thrown: nothing of it is visible or kept.
 */
public class DigestMismatchException extends StorageException {
    private final Digest expected;
    private final Digest actual;

    public DigestMismatchException(Digest expected, Digest actual) {
        super("digest mismatch: client declared " + expected + " but the uploaded content is " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public Digest expected() {
        return expected;
    }

    public Digest actual() {
        return actual;
    }
}
