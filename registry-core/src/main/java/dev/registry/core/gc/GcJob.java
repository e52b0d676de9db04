package dev.registry.core.gc;

import dev.registry.core.Actor;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.job.Job;
import dev.registry.core.quota.ByteSizes;
import dev.registry.core.upload.UploadService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code gc} job: online garbage collection ({@link GarbageCollector}) through the job
 * mechanism, so it runs on one replica at a time, can be stopped (between batches) and leaves a
 * history. Parameters: {@code dryRun} (default true, as {@code POST /api/v1/gc/runs} and retention's
 * executions: a real run is asked for with {@code dryRun=false}) and {@code deleteUntagged} (default
 * false); anything but {@code true} or {@code false} is refused before the run starts.
 * A run first expires idle uploads (their bytes, and stale S3 multipart uploads, go), then
 * collects. Its counts and items go to {@code gc_run} and {@code gc_item} as it proceeds, so a
 * run's progress can be followed and a stopped or failed run still shows what it did. Every batch
 * commits on its own: a run killed half-way leaves the rest queued for the next.
 */
@Component
class GcJob implements Job {

    static final String NAME = "gc";

    private final GarbageCollector collector;
    private final UploadService uploads;
    private final JdbcTemplate jdbc;
    private final ApplicationEventPublisher events;
    private final Duration sessionTimeout;
    private final TransactionTemplate tx;

    GcJob(GarbageCollector collector, UploadService uploads, JdbcTemplate jdbc, ApplicationEventPublisher events,
          TransactionTemplate tx, @Value("${registry.uploads.session-timeout:24h}") Duration sessionTimeout) {
        this.tx = tx;
        this.collector = collector;
        this.uploads = uploads;
        this.jdbc = jdbc;
        this.events = events;
        this.sessionTimeout = sessionTimeout;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "online garbage collection: deletes blobs no manifest references (and, with deleteUntagged=true, untagged"
                + " manifests); parameters dryRun (default true: pass dryRun=false for a real run) and deleteUntagged"
                + " (default false)";
    }

    @Override
    public Map<String, String> defaults() {
        return Map.of(GcService.DRY_RUN, "true", GcService.DELETE_UNTAGGED, "false");
    }

    @Override
    public void check(Map<String, String> parameters) {
        parameters.forEach((name, value) -> {
            if (!value.equals("true") && !value.equals("false")) {
                throw new RegistryException(ErrorCode.INVALID_INPUT, name + " is true or false, not '" + value + "'",
                        Map.of("field", name));
            }
        });
    }

    @Override
    public String run(Context context) throws Exception {
        boolean dryRun = Boolean.parseBoolean(context.parameters().getOrDefault(GcService.DRY_RUN, "true"));
        boolean deleteUntagged = Boolean.parseBoolean(context.parameters().getOrDefault(GcService.DELETE_UNTAGGED, "false"));
        long runId = context.runId();
        jdbc.update("INSERT INTO gc_run (job_run_id, dry_run, delete_untagged) VALUES (?, ?, ?)", runId, dryRun, deleteUntagged);
        int expired = dryRun ? 0 : uploads.expireIdle(sessionTimeout);
        int[] seq = {0};
        GcRun.Counts counts = collector.collect(new GarbageCollector.Options(dryRun, deleteUntagged), context,
                new GarbageCollector.Report() {
                    @Override
                    public void items(List<GcRun.Item> items) {
                        if (items.isEmpty()) {
                            return;
                        }
                        List<Object[]> rows = items.stream().map(item -> new Object[] {runId, ++seq[0], item.kind(),
                                item.repository(), item.digest(), item.size(), item.reason()}).toList();
                        // one transaction (one commit) for the batch's items; inside the batch's own when it has one
                        tx.executeWithoutResult(status -> jdbc.batchUpdate("INSERT INTO gc_item (job_run_id, seq, kind,"
                                + " repository, digest, size, reason) VALUES (?, ?, ?, ?, ?, ?, ?)", rows));
                    }

                    @Override
                    public void counts(GcRun.Counts c) {
                        record(runId, c);
                    }
                }, expired);
        record(runId, counts);
        if (!dryRun) {
            events.publishEvent(new GarbageCollected(Actor.current(), runId, counts));
        }
        return (dryRun ? "dry run: would delete " : "deleted ") + counts.deletedManifests() + " manifest(s) and "
                + counts.deletedBlobs() + " blob(s), " + ByteSizes.format(counts.freedBytes()) + "; "
                + counts.removedLinks() + " unreferenced link(s) " + (dryRun ? "to remove" : "removed") + "; reviewed "
                + counts.reviewedManifests() + " manifest(s) and " + counts.reviewedBlobs() + " blob(s)"
                + (dryRun ? "" : "; " + counts.expiredUploads() + " idle upload(s) expired");
    }

    private void record(long runId, GcRun.Counts c) {
        jdbc.update("UPDATE gc_run SET reviewed_manifests = ?, deleted_manifests = ?, reviewed_blobs = ?, deleted_blobs = ?,"
                        + " removed_links = ?, freed_bytes = ?, expired_uploads = ? WHERE job_run_id = ?",
                c.reviewedManifests(), c.deletedManifests(), c.reviewedBlobs(), c.deletedBlobs(), c.removedLinks(), c.freedBytes(),
                c.expiredUploads(), runId);
    }
}
