package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A robot account was enabled, disabled, re-described or given a new expiry; {@code change} says which. */
public record RobotUpdated(Actor actor, String robot, String project, String change) implements DomainEvent {
}
