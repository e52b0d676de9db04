package dev.registry.core.gc;

import java.time.Instant;

/**
 * When garbage collection runs by itself: {@code schedule} is a cron expression (Spring's six
 * fields, e.g. {@code 0 0 2 * * *}) or null (only by hand); scheduled runs delete untagged
 * manifests too when {@code deleteUntagged}. {@code nextRunAt} is computed, null when off.
 */
public record GcSettings(String schedule, boolean deleteUntagged, Instant nextRunAt, String updatedBy, Instant updatedAt) {
}
