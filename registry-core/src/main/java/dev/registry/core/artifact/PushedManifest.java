package dev.registry.core.artifact;

import dev.registry.storage.Digest;

/** Outcome of a manifest push; {@code subject} is set when the manifest has one (OCI-Subject). */
public record PushedManifest(Digest digest, Digest subject) {
}
