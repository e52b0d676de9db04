package dev.registry.api.config;

import dev.registry.core.upload.UploadService;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Expires idle upload sessions (clients that went away) on a fixed interval, on one replica at a
 * time (the {@code upload-cleanup} job lock, see {@code JobLocks}).
 */
@Component
class UploadCleanup {

    private static final Logger log = LoggerFactory.getLogger(UploadCleanup.class);

    private final UploadService uploads;
    private final RegistryProperties properties;

    UploadCleanup(UploadService uploads, RegistryProperties properties) {
        this.uploads = uploads;
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${registry.uploads.cleanup-interval:10m}",
            initialDelayString = "${registry.uploads.cleanup-interval:10m}")
    @SchedulerLock(name = "upload-cleanup", lockAtMostFor = "1h", lockAtLeastFor = "1m")
    public void expireIdleUploads() {
        try {
            uploads.expireIdle(properties.uploads().sessionTimeout());
        } catch (IOException | RuntimeException e) {
            log.warn("upload clean-up failed; it runs again at the next interval", e);
        }
    }
}
