package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A robot account was created ({@code project} null for a system robot). */
public record RobotCreated(Actor actor, String robot, String project) implements DomainEvent {
}
