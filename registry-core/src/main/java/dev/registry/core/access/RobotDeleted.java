package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A robot account was deleted. */
public record RobotDeleted(Actor actor, String robot, String project) implements DomainEvent {
}
