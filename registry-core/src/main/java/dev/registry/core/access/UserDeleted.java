package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A user was deleted (and with it their memberships). */
public record UserDeleted(Actor actor, String username) implements DomainEvent {
}
