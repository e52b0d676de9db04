package dev.registry.core;

/**
 * A refusal with a code from {@link ErrorCode} and a message meant for the person at the client.
 * It is an answer, not a failure: it carries no stack trace, which keeps frequent refusals (a
 * client's HEAD of a blob it has not pushed yet) cheap.
 */
public class RegistryException extends RuntimeException {

    private final ErrorCode code;
    private final transient Object detail;

    public RegistryException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public RegistryException(ErrorCode code, String message, Object detail) {
        super(message, null, false, false);
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
