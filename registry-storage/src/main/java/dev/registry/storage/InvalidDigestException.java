package dev.registry.storage;

/** A digest string that is not {@code sha256:<hex>} or {@code sha512:<hex>}. */
public class InvalidDigestException extends IllegalArgumentException {
    public InvalidDigestException(String message) {
        super(message);
    }
}
