package dev.registry.core.artifact;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;
import dev.registry.storage.Digest;

/** A manifest was stored in a repository (and {@code tag}, when not null, points at it). Published in the push's transaction. */
public record ArtifactPushed(Actor actor, RepositoryName repository, Digest digest, String tag, String mediaType) implements DomainEvent {
}
