package dev.registry.core.proxy;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A registry endpoint was created, changed ({@code change} says what, never a secret) or deleted. */
public record EndpointChanged(Actor actor, String endpoint, Change change, String detail) implements DomainEvent {

    public enum Change { CREATED, UPDATED, DELETED }
}
