package dev.registry.web.security;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;

/**
 * Who signed in to the console, as kept in the session (serialized into the database by Spring
 * Session): the user's id and name and when they signed in. Rights are not kept here: every request
 * asks registry-core afresh ({@link ConsoleCaller}), so a removed user, a password changed since
 * sign-in or a lost admin flag take effect at the next click.
 */
public record ConsoleUser(long id, String name, Instant signedInAt) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;
}
