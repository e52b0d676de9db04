package dev.registry.core.artifact;

import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * commit, so one WAL flush, for each chunk rather than each entry). An UPDATE never moves a time backwards, so
 * replicas flushing in any order agree. Bounded: beyond {@link #LIMIT} distinct entries new ones
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

    private final Map<Key, Instant> pending = new ConcurrentHashMap<>();
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    PullTimes(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @EventListener
    void on(ArtifactPulled pulled) {
        Key key = new Key(pulled.repository().value(), pulled.digest().toString());
        if (pending.size() < LIMIT || pending.containsKey(key)) {
            pending.merge(key, Instant.now(), (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /** Writes the buffered times; on failure they stay for the next attempt. */
    @Scheduled(fixedDelayString = "${registry.retention.pull-flush-interval:5s}")
    public synchronized void flush() {
        List<Key> keys = new ArrayList<>(pending.keySet());
        keys.sort(Comparator.comparing(Key::repository).thenComparing(Key::digest)); // one lock order for every flush
        for (int from = 0; from < keys.size(); from += CHUNK) {
            Map<Key, Instant> chunk = new LinkedHashMap<>();
            for (Key key : keys.subList(from, Math.min(keys.size(), from + CHUNK))) {
                Instant at = pending.remove(key);
                if (at != null) {
                    chunk.put(key, at);
                }
            }
            try {
                tx.executeWithoutResult(status -> chunk.forEach((key, at) -> jdbc.sql("UPDATE manifest SET pulled_at = :at"
                                + " WHERE digest = :digest AND repository_id = (SELECT id FROM repository WHERE name = :repository)"
                                + " AND (pulled_at IS NULL OR pulled_at < :at)")
                        .param("at", at.atOffset(ZoneOffset.UTC)).param("digest", key.digest())
                        .param("repository", key.repository()).update()));
            } catch (RuntimeException e) {
                chunk.forEach((key, at) -> pending.merge(key, at, (a, b) -> a.isAfter(b) ? a : b));
                log.warn("recording last-pulled times failed; {} kept for the next attempt", pending.size(), e);
                return;
            }
        }
    }

    @PreDestroy
    void flushOnShutdown() {
        flush();
    }
}
