package dev.registry.api.config;

import dev.registry.core.audit.AuditPruneJob;
import dev.registry.core.gc.GcService;
import dev.registry.core.job.JobRun;
import dev.registry.core.job.JobService;
import dev.registry.core.retention.RetentionJob;
import dev.registry.core.retention.RetentionService;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** When each job runs by itself. Every replica's schedule fires; the job lock lets one run it. */
@Component
class JobSchedules {

    private final JobService jobs;
    private final GcService gc;
    private final RetentionService retention;

    JobSchedules(JobService jobs, GcService gc, RetentionService retention) {
        this.jobs = jobs;
        this.gc = gc;
        this.retention = retention;
    }

    @Scheduled(fixedDelayString = "${registry.uploads.cleanup-interval:10m}",
            initialDelayString = "${registry.uploads.cleanup-interval:10m}")
    void uploadCleanup() {
        jobs.run(UploadCleanup.NAME, JobService.SCHEDULE, "system");
    }

    /** {@code registry.retention.schedule}: a cron expression (e.g. {@code 0 0 3 * * *}); "-" (the default) is off. */
    @Scheduled(cron = "${registry.retention.schedule:-}")
    void retention() {
        jobs.run(RetentionJob.NAME, JobService.SCHEDULE, "system");
    }

    /**
     * Garbage collection's schedule lives in the database ({@code PUT /api/v1/gc/schedule}); every
     * replica looks every {@code registry.gc.schedule-check} whether it is due, and the replica
     * that claims the fire runs it.
     */
    @Scheduled(fixedDelayString = "${registry.gc.schedule-check:30s}", initialDelayString = "${registry.gc.schedule-check:30s}")
    void gc() {
        gc.claimScheduledRun(Instant.now())
                .ifPresent(parameters -> jobs.run(GcService.JOB, JobService.SCHEDULE, "system", parameters));
    }

    /**
     * Each project's own retention schedule (the policy's {@code schedule}): every replica looks
     * every {@code registry.retention.schedule-check}; the projects it claims run in one retention
     * job run. When another replica runs retention right now the claims are given back, so the
     * next look retries them.
     */
    @Scheduled(fixedDelayString = "${registry.retention.schedule-check:30s}",
            initialDelayString = "${registry.retention.schedule-check:30s}")
    void projectRetention() {
        Instant now = Instant.now();
        Map<Long, Instant> claimed = retention.claimScheduled(now);
        if (claimed.isEmpty()) {
            return;
        }
        String projects = claimed.keySet().stream().map(String::valueOf).collect(Collectors.joining(","));
        JobRun run = jobs.run(RetentionJob.NAME, JobService.SCHEDULE, "system", Map.of(RetentionJob.PROJECTS, projects));
        if (run.state() == JobRun.State.SKIPPED) {
            retention.unclaim(claimed, now);
        }
    }

    /** {@code registry.audit.prune-schedule}: when old audit entries go (default: daily at 04:00). */
    @Scheduled(cron = "${registry.audit.prune-schedule:0 0 4 * * *}")
    void auditPrune() {
        jobs.run(AuditPruneJob.NAME, JobService.SCHEDULE, "system");
    }
}
