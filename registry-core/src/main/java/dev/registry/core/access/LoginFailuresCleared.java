package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A system admin (or the admin reset on the command line) forgot a user's failed logins. */
public record LoginFailuresCleared(Actor actor, String username, int addresses) implements DomainEvent {
}
