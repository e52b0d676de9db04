package dev.registry.core.artifact;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A repository was deleted with all its manifests and tags ({@code artifacts} of them); its blobs stay in the store for garbage collection. */
public record RepositoryDeleted(Actor actor, RepositoryName repository, long artifacts) implements DomainEvent {
}
