package dev.registry.web.security;

/** The console session no longer stands for a user who may act (deleted, password changed): sign in again. */
public class SessionEndedException extends RuntimeException {

    public SessionEndedException(String message) {
        super(message);
    }
}
