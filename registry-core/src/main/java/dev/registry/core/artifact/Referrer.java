package dev.registry.core.artifact;

import dev.registry.storage.Digest;

/** A manifest whose subject is a given digest, as the referrers API lists it. */
public record Referrer(String mediaType, Digest digest, long size, String artifactType, String annotations) {
}
