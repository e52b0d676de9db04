package dev.registry.core;

import java.time.Duration;

/** {@link ErrorCode#TOOMANYREQUESTS}, with how long the client should wait ({@code Retry-After}). */
public class ThrottledException extends RegistryException {

    private final Duration retryAfter;

    public ThrottledException(String message, Duration retryAfter) {
        super(ErrorCode.TOOMANYREQUESTS, message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
