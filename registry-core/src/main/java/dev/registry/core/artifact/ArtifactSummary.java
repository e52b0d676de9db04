package dev.registry.core.artifact;

import java.time.Instant;
import java.util.List;

/**
 * An artifact (a manifest) as the management API lists it.
 *
 * @param size the manifest's bytes plus the blobs it references directly (config and layers); an
 *             index counts only itself, its child manifests are listed on their own
 * @param tags the tags pointing at it, by name
 */
public record ArtifactSummary(String digest, String mediaType, String artifactType, long size, Instant pushedAt,
                              List<String> tags) {
}
