package dev.registry.core.proxy;

/** An upstream registry did not give what was asked: it does not have it, or it could not be asked. */
public final class UpstreamException extends Exception {

    public enum Kind {
        /** The upstream answered that it does not have it (404). */
        NOT_FOUND,
        /** The upstream refused the endpoint's credentials or the access (401, 403). */
        DENIED,
        /** The upstream limits the rate of requests (429). */
        RATE_LIMITED,
        /** It could not be asked, or failed: unreachable, timed out, 5xx, an answer that is not what was asked. */
        UNAVAILABLE
    }

    private final Kind kind;

    public UpstreamException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
