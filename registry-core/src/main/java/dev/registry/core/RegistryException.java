package dev.registry.core;

/** A refusal with a code from {@link ErrorCode} and a message meant for the person at the client. */
public class RegistryException extends RuntimeException {

    private final ErrorCode code;
    private final transient Object detail;

    public RegistryException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public RegistryException(ErrorCode code, String message, Object detail) {
        super(message);
        this.code = code;
        this.detail = detail;
    }

    public ErrorCode code() {
        return code;
    }

    /** Structured detail for the error body's {@code detail} field; may be null. */
    public Object detail() {
        return detail;
    }
}
