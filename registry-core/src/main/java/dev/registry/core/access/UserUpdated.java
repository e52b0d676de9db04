package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A user's e-mail, full name or system-admin flag changed; {@code change} says which. */
public record UserUpdated(Actor actor, String username, String change) implements DomainEvent {
}
