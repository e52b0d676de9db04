package dev.registry.core.quota;

/**
 * A project's storage figures.
 *
 * @param quotaBytes the quota in bytes, {@code null} for none
 * @param usedBytes  distinct blobs linked in the project's repositories plus its manifests, in bytes
 */
public record ProjectUsage(String project, Long quotaBytes, long usedBytes) {
}
