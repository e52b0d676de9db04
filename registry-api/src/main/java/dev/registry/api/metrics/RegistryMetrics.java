package dev.registry.api.metrics;

import dev.registry.core.access.LoginFailed;
import dev.registry.core.access.TokenIssued;
import dev.registry.core.gc.GarbageCollected;
import dev.registry.core.job.JobFinished;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The registry's own metrics beside Spring Boot's (HTTP requests by route template, the database pool, the JVM) and the
 * blob store's ({@link MeteredBlobStore}). Every label has a bounded set of values: job names, outcomes, and project
 * names for the storage gauge (one series per project); never a repository, tag, digest or user name.
 * <ul>
 *   <li>{@code registry.auth.tokens.issued}, {@code registry.auth.login.failures}: the token service and every
 *       sign-in path (Basic on {@code /v2} and {@code /api}, the console's form)</li>
 *   <li>{@code registry.jobs.runs}: a timer per job (label {@code name}, as Prometheus keeps {@code job} for the scrape
 *       target: gc, retention, upload clean-up...) and outcome, on the replica that ran it</li>
 *   <li>{@code registry.gc.freed.bytes}, {@code registry.gc.deleted.blobs}, {@code registry.gc.deleted.manifests}</li>
 *   <li>{@code registry.uploads.open}: upload sessions open in the registry (all replicas)</li>
 *   <li>{@code registry.project.storage.used}: bytes used per project (as the quota counts them), refreshed every
 *       minute</li>
 * </ul>
 */
@Component
class RegistryMetrics {

    private static final Logger log = LoggerFactory.getLogger(RegistryMetrics.class);

    private final MeterRegistry meters;
    private final JdbcClient jdbc;
    private final Counter tokens;
    private final Counter loginFailures;
    private final Counter freedBytes;
    private final Counter deletedBlobs;
    private final Counter deletedManifests;
    private final MultiGauge projectStorage;

    RegistryMetrics(MeterRegistry meters, JdbcClient jdbc) {
        this.meters = meters;
        this.jdbc = jdbc;
        this.tokens = Counter.builder("registry.auth.tokens.issued").description("Bearer tokens issued by the token service")
                .register(meters);
        this.loginFailures = Counter.builder("registry.auth.login.failures")
                .description("Sign-ins refused for a wrong name or password, or throttled").register(meters);
        this.freedBytes = Counter.builder("registry.gc.freed.bytes").baseUnit("bytes")
                .description("Bytes freed by garbage collection runs (not dry runs)").register(meters);
        this.deletedBlobs = Counter.builder("registry.gc.deleted.blobs").description("Blobs deleted by garbage collection")
                .register(meters);
        this.deletedManifests = Counter.builder("registry.gc.deleted.manifests")
                .description("Manifests deleted by garbage collection").register(meters);
        Gauge.builder("registry.uploads.open", this, RegistryMetrics::openUploads)
                .description("Upload sessions open in the registry (every replica's)").register(meters);
        this.projectStorage = MultiGauge.builder("registry.project.storage.used").baseUnit("bytes")
                .description("Storage used by each project, as its quota counts it").register(meters);
    }

    @EventListener
    void on(TokenIssued issued) {
        tokens.increment();
    }

    @EventListener
    void on(LoginFailed failed) {
        loginFailures.increment();
    }

    @EventListener
    void on(GarbageCollected collected) {
        freedBytes.increment(collected.counts().freedBytes());
        deletedBlobs.increment(collected.counts().deletedBlobs());
        deletedManifests.increment(collected.counts().deletedManifests());
    }

    @EventListener
    void on(JobFinished finished) {
        Timer.builder("registry.jobs.runs").description("Runs of the registry's jobs by job and outcome")
                .tags("name", finished.job(), "outcome", finished.state().name().toLowerCase(java.util.Locale.ROOT))
                .register(meters).record(finished.took());
    }

    private double openUploads() {
        try {
            return jdbc.sql("SELECT count(*) FROM upload_session").query(Long.class).single();
        } catch (RuntimeException e) {
            return Double.NaN; // the database is away: the gauge has no value rather than failing the scrape
        }
    }

    /** Every minute (and at start): one series per project, its usage row (a project without one uses nothing yet). */
    @Scheduled(initialDelay = 0, fixedDelayString = "${registry.metrics.project-storage-refresh:1m}")
    void refreshProjectStorage() {
        try {
            List<MultiGauge.Row<?>> rows = jdbc.sql("SELECT p.name, COALESCE(u.used_bytes, 0) FROM project p"
                            + " LEFT JOIN project_usage u ON u.project_id = p.id")
                    .query((rs, n) -> MultiGauge.Row.of(Tags.of("project", rs.getString(1)), rs.getLong(2)))
                    .list().stream().<MultiGauge.Row<?>>map(row -> row).toList();
            projectStorage.register(rows, true);
        } catch (RuntimeException e) {
            log.debug("project storage figures not refreshed", e);
        }
    }
}
