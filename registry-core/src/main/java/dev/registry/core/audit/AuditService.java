package dev.registry.core.audit;

import dev.registry.core.Actor;
import dev.registry.core.audit.internal.AuditBuffer;
import dev.registry.core.audit.internal.AuditStore;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The audit log: the public face of the audit feature. It is fed by the other features' events
 * (after their transaction committed, see {@code AuditListener}) and never by them directly.
 *
 * <p>Nothing is written on the request's thread: entries go to an in-memory buffer that
 * {@link #flush} writes every {@code registry.audit.flush-interval} (default 2 s) in one
 * transaction, and once more when the application stops. So auditing adds no database work to a
 * push or a pull and a failing audit write cannot fail them; the price is that entries of the last
 * interval are lost if the process dies abruptly. Pulls are aggregated: one row per actor,
 * repository and hour, whose {@code count} every flush (of any replica) increments.
 */
@Service
public class AuditService {

    public static final String PULL = "pull";
    private static final Logger log = LoggerFactory.getLogger(AuditService.class);

    /** Something to record; {@code occurredAt} is when it happened, not when it is written. */
    public record Entry(Instant occurredAt, Actor actor, String project, String resource, String operation, String detail) {
    }

    private final AuditBuffer buffer;
    private final AuditStore store;

    public AuditService(AuditBuffer buffer, AuditStore store) {
        this.buffer = buffer;
        this.store = store;
    }

    /** Buffers an entry; it is written by the next {@link #flush}. */
    public void record(Entry entry) {
        buffer.add(entry);
    }

    /** Counts one manifest pull of {@code repository} by {@code actor}, into the row of the hour of {@code at}. */
    public void recordPull(Actor actor, String project, String repository, Instant at) {
        buffer.addPull(actor, project, repository, at);
    }

    /**
     * Writes what is buffered, in one transaction. On failure (database unreachable) the entries go
     * back into the buffer for the next attempt, up to the buffer's bound.
     */
    @Scheduled(fixedDelayString = "${registry.audit.flush-interval:2s}")
    public synchronized void flush() {
        AuditBuffer.Drained drained = buffer.drain();
        if (drained.isEmpty()) {
            return;
        }
        try {
            store.write(drained);
        } catch (RuntimeException e) {
            log.warn("audit log write failed; {} entries kept for the next attempt", drained.size(), e);
            buffer.putBack(drained);
        }
    }

    @PreDestroy
    void flushOnShutdown() {
        flush();
    }

    /**
     * Which rows to read; every criterion is optional (null).
     *
     * @param project   only this project's rows
     * @param operation only rows of this operation ({@code push}, {@code delete}, …), exactly
     * @param resource  only rows whose resource contains this text (case-sensitive)
     * @param from      inclusive lower bound of {@code occurredAt}
     * @param to        exclusive upper bound of {@code occurredAt}
     */
    public record Filter(String project, String operation, String resource, Instant from, Instant to) {
        public Filter {
            operation = operation == null || operation.isBlank() ? null : operation.strip();
            resource = resource == null || resource.isEmpty() ? null : resource;
        }
    }

    /**
     * Rows newest first.
     *
     * @param project only this project's rows; null for all
     * @param from    inclusive lower bound of {@code occurredAt}, or null
     * @param to      exclusive upper bound of {@code occurredAt}, or null
     * @param page    0-based page of {@code size} rows
     */
    public List<AuditEvent> query(String project, Instant from, Instant to, int page, int size) {
        return query(new Filter(project, null, null, from, to), page, size);
    }

    public long count(String project, Instant from, Instant to) {
        return count(new Filter(project, null, null, from, to));
    }

    /** Rows newest first that {@code filter} selects; {@code page} is 0-based, of {@code size} rows. */
    public List<AuditEvent> query(Filter filter, int page, int size) {
        return store.query(filter, (long) page * size, size);
    }

    public long count(Filter filter) {
        return store.count(filter);
    }

    /** The operations the log records, for a filter to offer. */
    public static final List<String> OPERATIONS = List.of("push", PULL, "delete", "create", "update", "rotate",
            "added", "role-changed", "removed", "login", "login-failed", "unlock");
}
