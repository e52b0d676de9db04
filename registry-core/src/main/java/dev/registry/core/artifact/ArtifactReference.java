package dev.registry.core.artifact;

/**
 * A manifest an index lists, as the management API shows it under the index (Harbor's
 * "references"): its digest, media type and platform as the index's {@code manifests[]} entry
 * gives them.
 *
 * @param size     the child's bytes as its artifact's size (manifest plus the blobs it references), or
 *                 null when the child is not in the repository
 * @param platform null when the index's entry names none (an attestation, an artifact)
 */
public record ArtifactReference(String digest, String mediaType, Long size, Platform platform) {

    /** An index entry's {@code platform}; {@code variant} and {@code osVersion} are null when not given. */
    public record Platform(String os, String architecture, String variant, String osVersion) {
    }
}
