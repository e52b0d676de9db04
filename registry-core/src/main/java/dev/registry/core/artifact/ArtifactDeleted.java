package dev.registry.core.artifact;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;
import dev.registry.storage.Digest;

/** A manifest was deleted by digest, with the tags that pointed at it. */
public record ArtifactDeleted(Actor actor, RepositoryName repository, Digest digest) implements DomainEvent {
}
