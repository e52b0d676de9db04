package dev.registry.core.project;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** An empty project was deleted. */
public record ProjectDeleted(Actor actor, String project) implements DomainEvent {
}
