package dev.registry.core.artifact;

import java.time.Instant;

/**
 * A repository as the management API lists it.
 *
 * @param artifactCount the artifacts its artifact list shows (an index's children count with their index)
 * @param size         bytes of its manifests plus the blobs linked in it (a blob shared with other
 *                     repositories counts in each; stored once)
 * @param lastPushedAt when its newest manifest was pushed; null when it holds none
 */
public record RepositorySummary(String name, long artifactCount, long size, Instant lastPushedAt) {
}
