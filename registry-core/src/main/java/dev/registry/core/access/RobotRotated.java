package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A robot account got a new secret; the old one and its tokens stopped working. */
public record RobotRotated(Actor actor, String robot, String project) implements DomainEvent {
}
