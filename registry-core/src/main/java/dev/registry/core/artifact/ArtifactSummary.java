package dev.registry.core.artifact;

import java.time.Instant;
import java.util.List;

/**
 * An artifact (a manifest) as the management API lists it.
 *
 * @param artifactType the manifest's {@code artifactType}, else an image's config media type (OCI and Docker
 *                     alike), else null (an index without one)
 * @param size         the manifest's bytes plus the blobs it references directly (config and layers); an
 *                     index counts only itself, its children's sizes are in {@code references}
 * @param tags         the tags pointing at it, by name
 * @param references   for an index, the manifests it lists in its order, with their platforms; empty otherwise
 * @param accessories  the manifests of the repository that belong to it (signatures, attestations, SBOMs, other
 *                     referrers; {@link Accessory}), newest first; they are not listed on their own
 */
public record ArtifactSummary(String digest, String mediaType, String artifactType, long size, Instant pushedAt,
                              List<String> tags, List<ArtifactReference> references, List<Accessory> accessories) {
}
