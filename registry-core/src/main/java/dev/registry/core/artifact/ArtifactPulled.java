package dev.registry.core.artifact;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A client fetched a manifest (a GET, not a HEAD, and not the blobs): one pull of an image. Published outside any transaction. */
public record ArtifactPulled(Actor actor, RepositoryName repository, String reference) implements DomainEvent {
}
