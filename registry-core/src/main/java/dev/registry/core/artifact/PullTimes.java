package dev.registry.core.artifact;

import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Last-pulled times of manifests, recorded off the pull's path: a pull only merges
 * (repository, digest) → time into a map in memory; {@link #flush} writes one UPDATE per entry
 * every {@code registry.retention.pull-flush-interval}, {@value #CHUNK} to a transaction (one
 * commit, so one WAL flush, for each chunk rather than each entry), then moves each repository's last pull
 * ({@code repository_pulled}, what the repository lists show) to the latest of its manifests' times in the chunk. An
 * UPDATE never moves a time backwards, so replicas flushing in any order agree. Bounded: beyond {@link #LIMIT} distinct entries new ones
 * are dropped until the next flush (a lost last-pulled time only makes retention keep less by the
 * "pulled" templates, never delete what a rule kept by push time).
 */
@Component
public class PullTimes {

    static final int LIMIT = 100_000;
    private static final Logger log = LoggerFactory.getLogger(PullTimes.class);

    private record Key(String repository, String digest) {
    }

    static final int CHUNK = 200;

    /**
     * Later pulls of a known entry move its time with a compare-and-set on its {@link AtomicReference}, never taking
     * a lock: every pull of one image in a node storm hits one entry, and {@code ConcurrentHashMap.merge} locked its
     * bin each time, a monitor virtual threads queued on for seconds (docs/benchmarks.md, "The storm's tail, again").
     */
    private final Map<Key, AtomicReference<Instant>> pending = new ConcurrentHashMap<>();
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    PullTimes(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @EventListener
    void on(ArtifactPulled pulled) {
        Key key = new Key(pulled.repository().value(), pulled.digest().toString());
        record(key, Instant.now());
    }

    private void record(Key key, Instant at) {
        AtomicReference<Instant> time = pending.get(key);
        if (time == null) {
            if (pending.size() >= LIMIT) {
                return;
            }
            time = pending.computeIfAbsent(key, k -> new AtomicReference<>(at));
        }
        time.accumulateAndGet(at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Writes the buffered times; on failure they stay for the next attempt. */
    @Scheduled(fixedDelayString = "${registry.retention.pull-flush-interval:5s}")
    public synchronized void flush() {
        List<Key> keys = new ArrayList<>(pending.keySet());
        keys.sort(Comparator.comparing(Key::repository).thenComparing(Key::digest)); // one lock order for every flush
        for (int from = 0; from < keys.size(); from += CHUNK) {
            Map<Key, Instant> chunk = new LinkedHashMap<>();
            for (Key key : keys.subList(from, Math.min(keys.size(), from + CHUNK))) {
                // a pull that read this entry just before its removal may move the removed time: that pull's
                // time is then lost, as beyond LIMIT (a later pull records it again)
                AtomicReference<Instant> at = pending.remove(key);
                if (at != null) {
                    chunk.put(key, at.get());
                }
            }
            try {
                tx.executeWithoutResult(status -> {
                    Map<String, Instant> latest = new LinkedHashMap<>();
                    chunk.forEach((key, at) -> {
                        if (jdbc.sql("UPDATE manifest SET pulled_at = :at"
                                        + " WHERE digest = :digest AND repository_id = (SELECT id FROM repository WHERE name = :repository)"
                                        + " AND (pulled_at IS NULL OR pulled_at < :at)")
                                .param("at", at.atOffset(ZoneOffset.UTC)).param("digest", key.digest())
                                .param("repository", key.repository()).update() > 0) {
                            latest.merge(key.repository(), at, (a, b) -> a.isAfter(b) ? a : b);
                        }
                    });
                    latest.forEach(this::repositoryPulled);
                });
            } catch (RuntimeException e) {
                chunk.forEach(this::record);
                log.warn("recording last-pulled times failed; {} kept for the next attempt", pending.size(), e);
                return;
            }
        }
    }

    /** Moves the repository's last pull ({@code repository_pulled}, read by the repository lists) forward to {@code at}. */
    private void repositoryPulled(String repository, Instant at) {
        Optional<Long> id = jdbc.sql("SELECT id FROM repository WHERE name = ?").param(repository).query(Long.class).optional();
        if (id.isEmpty()) {
            return;
        }
        String later = "UPDATE repository_pulled SET pulled_at = :at WHERE repository_id = :id AND pulled_at < :at";
        Map<String, Object> params = Map.of("at", at.atOffset(ZoneOffset.UTC), "id", id.get());
        if (jdbc.sql(later).params(params).update() == 0
                && jdbc.sql("INSERT INTO repository_pulled (repository_id, pulled_at) VALUES (:id, :at) ON CONFLICT DO NOTHING")
                        .params(params).update() == 0) {
            jdbc.sql(later).params(params).update(); // another replica's first time came in between
        }
    }

    @PreDestroy
    void flushOnShutdown() {
        flush();
    }
}
