package dev.registry.core.audit;

import dev.registry.core.job.Job;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code audit-prune} job: deletes audit entries older than {@code registry.audit.keep}
 * (default 365 days), in batches so no transaction grows large. Scheduled daily (see the API
 * module's job schedules) and startable by hand through {@code /api/v1/jobs}.
 */
@Component
public class AuditPruneJob implements Job {

    public static final String NAME = "audit-prune";
    private static final int BATCH = 10_000;

    private final JdbcClient jdbc;
    private final Duration keep;

    public AuditPruneJob(JdbcClient jdbc, @Value("${registry.audit.keep:365d}") Duration keep) {
        this.jdbc = jdbc;
        this.keep = keep;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "deletes audit log entries older than " + keep.toDays() + " days";
    }

    @Override
    public String run(Context context) {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(keep);
        long deleted = 0;
        int batch;
        do {
            batch = jdbc.sql("DELETE FROM audit_event WHERE id IN (SELECT id FROM audit_event WHERE occurred_at < ?"
                    + " ORDER BY id LIMIT " + BATCH + ")").param(cutoff).update();
            deleted += batch;
            if (batch > 0) {
                context.progress(deleted + " entries deleted");
            }
        } while (batch == BATCH && !context.stopRequested());
        return deleted + " audit entries older than " + cutoff.toLocalDate() + " deleted";
    }
}
