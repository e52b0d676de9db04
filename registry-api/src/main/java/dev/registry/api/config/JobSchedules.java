package dev.registry.api.config;

import dev.registry.core.audit.AuditPruneJob;
import dev.registry.core.job.JobService;
import dev.registry.core.retention.RetentionJob;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** When each job runs by itself. Every replica's schedule fires; the job lock lets one run it. */
@Component
class JobSchedules {

    private final JobService jobs;

    JobSchedules(JobService jobs) {
        this.jobs = jobs;
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

    /** {@code registry.audit.prune-schedule}: when old audit entries go (default: daily at 04:00). */
    @Scheduled(cron = "${registry.audit.prune-schedule:0 0 4 * * *}")
    void auditPrune() {
        jobs.run(AuditPruneJob.NAME, JobService.SCHEDULE, "system");
    }
}
