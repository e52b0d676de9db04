package dev.registry.core.gc;

import dev.registry.core.job.JobRun;
import java.time.Instant;

/**
 * One garbage collection run: its job run (state, progress, who started it, when, on which replica) and its counts.
 * {@code id} is the job run's id.
 */
public record GcRun(long id, boolean dryRun, boolean deleteUntagged, JobRun.State state, String trigger, String triggeredBy,
                    String progress, String summary, String replica, Instant startedAt, Instant finishedAt, Counts counts) {

    /**
     * What a run looked at and deleted (for a dry run: would delete). {@code removedLinks} counts
     * links of blobs no manifest of their repository referenced, removed from one repository each;
     * {@code freedBytes} is the size of the deleted blobs and manifests.
     */
    public record Counts(int reviewedManifests, int deletedManifests, int reviewedBlobs, int deletedBlobs, int removedLinks,
                         long freedBytes, int expiredUploads) {
    }

    /**
     * One thing a run deleted (or would delete): {@code manifest}, {@code blob}, a blob's {@code link}
     * in a repository, or an empty {@code repository} row (no manifest, link or open upload; digest
     * empty, size 0).
     */
    public record Item(String kind, String repository, String digest, long size, String reason) {
    }
}
