package dev.registry.core.job;

import java.time.Instant;

/**
 * One run of a {@link Job}: how it was started (and with which parameters, e.g. {@code dryRun=true}),
 * where it ran, how it went.
 */
public record JobRun(long id, String job, String trigger, String triggeredBy, String parameters, State state, String progress, String summary,
                     String replica, boolean stopRequested, Instant startedAt, Instant finishedAt) {

    public enum State {
        RUNNING, SUCCEEDED, FAILED, STOPPED,
        /** Not run: another replica held the job's lock. */
        SKIPPED
    }
}
