package dev.registry.core.audit.internal;

import dev.registry.core.Actor;
import dev.registry.core.audit.AuditService;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Audit entries waiting to be written, in this process's memory. Safe for any number of threads:
 * adding is lock-free, and a pull is one atomic merge into its (actor, repository, hour) counter.
 * Bounded: beyond {@link #LIMIT} waiting entries new ones are dropped and counted in the log, so a
 * database outage cannot exhaust the heap.
 */
@Component
public class AuditBuffer {

    static final int LIMIT = 100_000;
    private static final Logger log = LoggerFactory.getLogger(AuditBuffer.class);

    /** The row a pull is counted in. */
    public record PullKey(String actor, String actorKind, String project, String repository, Instant hour) {

        /** The row's {@code aggregate_key}: the same on every replica for the same actor, repository and hour. */
        String aggregateKey() {
            return "pull " + actorKind + ":" + actor + " " + repository + " " + hour;
        }
    }

    /** Pulls counted for one row; {@code address} is the first puller's in this buffer. */
    public record PullCount(String address, long count) {
        PullCount plus(PullCount other) {
            return new PullCount(address, count + other.count);
        }
    }

    /** What one flush writes. */
    public record Drained(List<AuditService.Entry> entries, Map<PullKey, PullCount> pulls) {
        public boolean isEmpty() {
            return entries.isEmpty() && pulls.isEmpty();
        }

        public int size() {
            return entries.size() + pulls.size();
        }
    }

    private final Queue<AuditService.Entry> entries = new ConcurrentLinkedQueue<>();
    private final AtomicInteger entryCount = new AtomicInteger();
    private final Map<PullKey, PullCount> pulls = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    public void add(AuditService.Entry entry) {
        if (entryCount.incrementAndGet() > LIMIT) {
            entryCount.decrementAndGet();
            drop();
            return;
        }
        entries.add(entry);
    }

    public void addPull(Actor actor, String project, String repository, Instant at) {
        PullKey key = new PullKey(actor.name(), actor.kind(), project, repository, at.truncatedTo(ChronoUnit.HOURS));
        if (pulls.size() >= LIMIT && !pulls.containsKey(key)) {
            drop();
            return;
        }
        pulls.merge(key, new PullCount(actor.address(), 1), PullCount::plus);
    }

    /** Takes everything buffered so far; what is added meanwhile stays for the next drain. */
    public Drained drain() {
        List<AuditService.Entry> taken = new ArrayList<>();
        for (AuditService.Entry e = entries.poll(); e != null; e = entries.poll()) {
            entryCount.decrementAndGet();
            taken.add(e);
        }
        Map<PullKey, PullCount> counted = new java.util.LinkedHashMap<>();
        for (PullKey key : pulls.keySet()) {
            PullCount count = pulls.remove(key);
            if (count != null) {
                counted.put(key, count);
            }
        }
        return new Drained(taken, counted);
    }

    /** Returns a drain that could not be written, so the next flush tries again. */
    public void putBack(Drained drained) {
        drained.entries().forEach(this::add);
        drained.pulls().forEach((key, count) -> pulls.merge(key, count, PullCount::plus));
    }

    private void drop() {
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 10_000 == 0) {
            log.warn("audit buffer full ({} entries waiting): {} audit entries dropped so far", LIMIT, n);
        }
    }
}
