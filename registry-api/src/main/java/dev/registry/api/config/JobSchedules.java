package dev.registry.api.config;

import dev.registry.core.job.JobService;
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
}
