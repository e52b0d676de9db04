package dev.registry.core.artifact;

import dev.registry.storage.Digest;

/** A stored manifest: the exact bytes the client pushed, their digest and media type. */
public record ManifestContent(Digest digest, String mediaType, byte[] content) {
}
