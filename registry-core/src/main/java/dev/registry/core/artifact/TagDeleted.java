package dev.registry.core.artifact;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A tag was deleted; the manifest it pointed at stays. */
public record TagDeleted(Actor actor, RepositoryName repository, String tag) implements DomainEvent {
}
