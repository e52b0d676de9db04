package dev.registry.core.artifact;

import dev.registry.storage.Digest;

/** An OCI content descriptor as found in a manifest; {@code foreign} when it lists external URLs. */
public record Descriptor(String mediaType, Digest digest, long size, boolean foreign) {
}
