package dev.registry.core.quota;

/**
 * A project's storage figures.
 *
 * @param quotaBytes the quota in bytes, {@code null} for none
 * @param usedBytes  distinct blobs linked in the project's repositories plus its manifests, in bytes
 */
public record ProjectUsage(String project, Long quotaBytes, long usedBytes) {

    /** Used storage as a share of the quota, 0 to 100 (a quota of 0 is full); null without a quota. */
    public Integer usedPercent() {
        if (quotaBytes == null) {
            return null;
        }
        return quotaBytes == 0 ? 100 : (int) Math.min(100, usedBytes * 100 / quotaBytes);
    }
}
