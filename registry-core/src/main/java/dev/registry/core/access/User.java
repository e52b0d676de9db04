package dev.registry.core.access;

import java.time.Instant;

/** A local user account (never with its password hash). */
public record User(long id, String username, String email, String fullName, boolean systemAdmin, Instant createdAt) {
}
