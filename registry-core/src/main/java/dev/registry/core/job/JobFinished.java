package dev.registry.core.job;

import java.time.Duration;

/** A run of a job ended (succeeded, failed, stopped or skipped), published by {@link JobService} on the replica that ran it. */
public record JobFinished(String job, JobRun.State state, Duration took) {
}
