package dev.registry.core.gc;

import dev.registry.core.Actor;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.job.Cron;
import dev.registry.core.job.JobRun;
import dev.registry.core.job.JobService;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Garbage collection as an administrator sees it: the schedule, runs by hand (dry or real, with or
 * without untagged manifests), their history with counts and the items deleted, the queues. The
 * runs themselves are the {@code gc} job ({@link GcJob}): one replica at a time, stoppable, in the
 * job history too.
 */
@Service
public class GcService {

    /** The job's name ({@code /api/v1/jobs/gc}). */
    public static final String JOB = GcJob.NAME;

    /** Run parameters ({@link dev.registry.core.job.Job.Context#parameters}). */
    public static final String DRY_RUN = "dryRun";
    public static final String DELETE_UNTAGGED = "deleteUntagged";

    /** What waits in the review queues: due now, and queued for later (still in a grace). */
    public record Queues(long blobsDue, long blobsLater, long manifestsDue, long manifestsLater, Duration grace) {
    }

    private final JdbcClient jdbc;
    private final JobService jobs;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final GcPolicy policy;

    public GcService(JdbcClient jdbc, JobService jobs, ApplicationEventPublisher events, TransactionTemplate tx, GcPolicy policy) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.events = events;
        this.tx = tx;
        this.policy = policy;
    }

    public GcSettings settings() {
        return jdbc.sql("SELECT schedule, delete_untagged, last_fire, updated_by, updated_at FROM gc_settings WHERE id = 1")
                .query((rs, n) -> {
                    String schedule = rs.getString(1);
                    Instant lastFire = instant(rs.getObject(3, OffsetDateTime.class));
                    Instant updatedAt = instant(rs.getObject(5, OffsetDateTime.class));
                    return new GcSettings(schedule, rs.getBoolean(2), schedule == null ? null : Cron.next(schedule, lastFire, updatedAt),
                            rs.getString(4), updatedAt);
                }).single();
    }

    /**
     * Sets the schedule: a cron expression (six fields, evaluated in UTC) or null/blank for none;
     * {@code INVALID_INPUT} naming the field for anything else. Audited.
     */
    public GcSettings setSchedule(String schedule, boolean deleteUntagged, String updatedBy) {
        String cron = Cron.valid(schedule, "schedule");
        tx.executeWithoutResult(status -> {
            jdbc.sql("UPDATE gc_settings SET schedule = ?, delete_untagged = ?, last_fire = NULL, updated_by = ?, updated_at = ?"
                    + " WHERE id = 1").params(cron, deleteUntagged, updatedBy, OffsetDateTime.now(ZoneOffset.UTC)).update();
            events.publishEvent(new GarbageCollectionScheduled(Actor.current(), cron, deleteUntagged));
        });
        return settings();
    }

    /**
     * Whether the schedule is due at {@code now}, and if so claims this fire for the calling
     * replica (a conditional update: of several replicas checking at once, one wins). Missed fires
     * (the registry was down) make one run, not one each.
     *
     * @return the parameters of the run to start, or empty
     */
    public Optional<Map<String, String>> claimScheduledRun(Instant now) {
        return tx.execute(status -> {
            record Row(String schedule, boolean deleteUntagged, Instant lastFire, Instant updatedAt) {
            }
            Row row = jdbc.sql("SELECT schedule, delete_untagged, last_fire, updated_at FROM gc_settings WHERE id = 1")
                    .query((rs, n) -> new Row(rs.getString(1), rs.getBoolean(2), instant(rs.getObject(3, OffsetDateTime.class)),
                            instant(rs.getObject(4, OffsetDateTime.class)))).single();
            if (row.schedule() == null) {
                return Optional.<Map<String, String>>empty();
            }
            Instant next = Cron.next(row.schedule(), row.lastFire(), row.updatedAt());
            if (next == null || next.isAfter(now)) {
                return Optional.<Map<String, String>>empty();
            }
            int claimed = jdbc.sql("UPDATE gc_settings SET last_fire = ? WHERE id = 1 AND schedule = ?"
                            + " AND (last_fire IS NULL OR last_fire < ?)")
                    .params(now.atOffset(ZoneOffset.UTC), row.schedule(), next.atOffset(ZoneOffset.UTC)).update();
            return claimed == 1
                    ? Optional.of(Map.of(DRY_RUN, "false", DELETE_UNTAGGED, Boolean.toString(row.deleteUntagged())))
                    : Optional.<Map<String, String>>empty();
        });
    }

    /** Starts a run in the background (or answers it SKIPPED when another replica runs one). */
    public GcRun start(boolean dryRun, boolean deleteUntagged, String triggeredBy) {
        JobRun run = jobs.start(GcJob.NAME, triggeredBy, Map.of(DRY_RUN, Boolean.toString(dryRun),
                DELETE_UNTAGGED, Boolean.toString(deleteUntagged)));
        return run(run.id());
    }

    /** Asks a running collection to stop (it stops between batches); {@code CONFLICT} when it is not running. */
    public GcRun requestStop(long id) {
        run(id);
        jobs.requestStop(id);
        return run(id);
    }

    public GcRun run(long id) {
        return jdbc.sql(SELECT + " AND j.id = ?").param(id).query(GcService::map).optional()
                .orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "there is no garbage collection run " + id));
    }

    /** Runs, newest first. */
    public List<GcRun> runs(int offset, int limit) {
        return jdbc.sql(SELECT + " ORDER BY j.id DESC LIMIT ? OFFSET ?").params(limit, offset).query(GcService::map).list();
    }

    public long countRuns() {
        return jdbc.sql("SELECT count(*) FROM job_run WHERE job_name = ?").param(GcJob.NAME).query(Long.class).single();
    }

    /** What a run deleted (or would delete), in the order it happened. */
    public List<GcRun.Item> items(long id, int offset, int limit) {
        run(id);
        return jdbc.sql("SELECT kind, repository, digest, size, reason FROM gc_item WHERE job_run_id = ? ORDER BY seq LIMIT ? OFFSET ?")
                .params(id, limit, offset)
                .query((rs, n) -> new GcRun.Item(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5)))
                .list();
    }

    public long countItems(long id) {
        return jdbc.sql("SELECT count(*) FROM gc_item WHERE job_run_id = ?").param(id).query(Long.class).single();
    }

    public Queues queues() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        long blobsDue = count("SELECT count(*) FROM gc_blob_review WHERE review_after <= ?", now);
        long blobs = count("SELECT count(*) FROM gc_blob_review", null);
        long manifestsDue = count("SELECT count(*) FROM gc_manifest_review WHERE review_after <= ?", now);
        long manifests = count("SELECT count(*) FROM gc_manifest_review", null);
        return new Queues(blobsDue, blobs - blobsDue, manifestsDue, manifests - manifestsDue, policy.grace());
    }

    private long count(String sql, OffsetDateTime now) {
        var statement = jdbc.sql(sql);
        return (now == null ? statement : statement.param(now)).query(Long.class).single();
    }

    private static final String SELECT = "SELECT j.id, j.parameters, j.state, j.run_trigger, j.triggered_by, j.progress, j.summary,"
            + " j.started_at, j.finished_at, g.reviewed_manifests, g.deleted_manifests, g.reviewed_blobs, g.deleted_blobs,"
            + " g.removed_links, g.freed_bytes, g.expired_uploads, j.replica"
            + " FROM job_run j LEFT JOIN gc_run g ON g.job_run_id = j.id WHERE j.job_name = '" + GcJob.NAME + "'";

    private static GcRun map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        String parameters = rs.getString(2) == null ? "" : " " + rs.getString(2) + " ";
        GcRun.Counts counts = new GcRun.Counts(rs.getInt(10), rs.getInt(11), rs.getInt(12), rs.getInt(13), rs.getInt(14),
                rs.getLong(15), rs.getInt(16));
        return new GcRun(rs.getLong(1), parameters.contains(" dryRun=true "), parameters.contains(" deleteUntagged=true "),
                JobRun.State.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                rs.getString(17), instant(rs.getObject(8, OffsetDateTime.class)), instant(rs.getObject(9, OffsetDateTime.class)), counts);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
