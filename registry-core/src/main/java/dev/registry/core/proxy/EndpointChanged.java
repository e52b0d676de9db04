package dev.registry.core.proxy;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A registry endpoint was created, changed ({@code change} says what, never a secret) or deleted. */
public record EndpointChanged(Actor actor, String endpoint, Change change, String detail) implements DomainEvent {

    /** What happened, and the audit log's operation for it. */
    public enum Change {
        CREATED("create"), UPDATED("update"), DELETED("delete");

        private final String operation;

        Change(String operation) {
            this.operation = operation;
        }

        public String operation() {
            return operation;
        }
    }
}
