package dev.registry.api.config;

import dev.registry.core.job.Job;
import dev.registry.core.job.JobService;
import dev.registry.core.upload.UploadService;
import org.springframework.stereotype.Component;

/**
 * The {@code upload-cleanup} job: cancels upload sessions idle for longer than
 * {@code registry.uploads.session-timeout} (clients that went away) and removes upload bytes no
 * session owns. Scheduled every {@code registry.uploads.cleanup-interval} on every replica
 * ({@link JobSchedules}); {@link JobService} runs it on one at a time and keeps its history.
 */
@Component
class UploadCleanup implements Job {

    static final String NAME = "upload-cleanup";

    private final UploadService uploads;
    private final RegistryProperties properties;

    UploadCleanup(UploadService uploads, RegistryProperties properties) {
        this.uploads = uploads;
        this.properties = properties;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "cancels upload sessions idle for longer than " + properties.uploads().sessionTimeout()
                + " and removes upload bytes no session owns";
    }

    @Override
    public String run(Context context) throws Exception {
        int expired = uploads.expireIdle(properties.uploads().sessionTimeout());
        return "cancelled " + expired + " idle upload session(s)";
    }
}
