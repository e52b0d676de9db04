package dev.registry.core.project;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A project was created (by the management API or by a first push). */
public record ProjectCreated(Actor actor, String project, boolean isPublic) implements DomainEvent {
}
