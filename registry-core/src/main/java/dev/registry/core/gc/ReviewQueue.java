package dev.registry.core.gc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The garbage collector's review queues ({@code gc_blob_review}, {@code gc_manifest_review},
 * {@code gc_repository_review}):
 * candidates that may have become garbage, each to be looked at from a time on. The services that
 * may make something unreferenced put it here in the same transaction (an upload that is not
 * referenced yet, a deleted manifest's blobs and children, an untagged manifest); nothing else
 * finds garbage, so a collection's work follows what changed, not the registry's size.
 *
 * <p>One row per candidate. A second event for a queued candidate moves its time to the earlier
 * of the two: looking early is always safe (the collector decides from the links and references,
 * not from the queue, and queues again what is still in its grace).
 */
@Component
public class ReviewQueue {

    private final JdbcClient jdbc;

    public ReviewQueue(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues a blob for review from {@code at} on. */
    public void blob(String digest, Instant at, String event) {
        queue("gc_blob_review", "digest", digest, at, event);
    }

    /** Queues every blob linked in the repository (before the repository's links go). */
    public void blobsLinkedIn(long repositoryId, Instant at, String event) {
        OffsetDateTime when = at.atOffset(ZoneOffset.UTC);
        jdbc.sql("UPDATE gc_blob_review SET review_after = :at, event = :event WHERE review_after > :at"
                        + " AND digest IN (SELECT digest FROM repository_blob WHERE repository_id = :repository)")
                .param("at", when).param("event", event).param("repository", repositoryId).update();
        jdbc.sql("INSERT INTO gc_blob_review (digest, review_after, event)"
                        + " SELECT l.digest, :at, :event FROM repository_blob l WHERE l.repository_id = :repository"
                        + " AND NOT EXISTS (SELECT 1 FROM gc_blob_review g WHERE g.digest = l.digest) ON CONFLICT DO NOTHING")
                .param("at", when).param("event", event).param("repository", repositoryId).update();
    }

    /**
     * Queues a repository for review (as a possibly empty one: no manifest, no link, no open
     * upload) from {@code at} on.
     */
    public void repository(long repositoryId, Instant at, String event) {
        queue("gc_repository_review", "repository_id", repositoryId, at, event);
    }

    /** Queues a manifest for review (as a possibly untagged one) from {@code at} on. */
    public void manifest(long manifestId, Instant at, String event) {
        queue("gc_manifest_review", "manifest_id", manifestId, at, event);
    }

    /**
     * Inserts the candidate, or moves its review to {@code at} when that is earlier. The insert
     * skips a queued candidate itself ({@code NOT EXISTS}) rather than leaving it to the conflict
     * clause, which H2 answers by throwing and catching inside.
     */
    private void queue(String table, String key, Object value, Instant at, String event) {
        OffsetDateTime when = at.atOffset(ZoneOffset.UTC);
        if (jdbc.sql("INSERT INTO " + table + " (" + key + ", review_after, event) SELECT ?, ?, ?"
                        + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE " + key + " = ?) ON CONFLICT DO NOTHING")
                .params(value, when, event, value).update() == 0) {
            jdbc.sql("UPDATE " + table + " SET review_after = ?, event = ? WHERE " + key + " = ? AND review_after > ?")
                    .params(when, event, value, when).update();
        }
    }
}
