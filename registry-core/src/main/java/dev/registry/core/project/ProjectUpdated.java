package dev.registry.core.project;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A project's settings changed; {@code change} says which, e.g. {@code public=true}. */
public record ProjectUpdated(Actor actor, String project, String change) implements DomainEvent {
}
