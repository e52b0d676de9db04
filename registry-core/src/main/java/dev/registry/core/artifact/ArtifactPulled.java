package dev.registry.core.artifact;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;
import dev.registry.storage.Digest;

/**
 * A client fetched a manifest (a GET, not a HEAD, and not the blobs): one pull of an image.
 * {@code reference} is what the client asked for (a tag or a digest), {@code digest} the manifest
 * it was served. Published outside any transaction.
 */
public record ArtifactPulled(Actor actor, RepositoryName repository, String reference, Digest digest) implements DomainEvent {
}
