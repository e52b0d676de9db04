package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A local user was created. */
public record UserCreated(Actor actor, String username, boolean systemAdmin) implements DomainEvent {
}
