package dev.registry.storage;

import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-upload values a store keeps in this process only as a shortcut (the running digest of the
 * bytes it appended), bounded in number. With several replicas an upload's last append can run on
 * one replica and its commit on another, so the first never learns that the upload ended; entries
 * therefore also leave when there are more than {@code limit}: the least recently written go.
 * Losing an entry costs only the shortcut (the commit then verifies by reading the bytes back),
 * never correctness. For store implementations.
 */
public final class RecentUploads<V> {

    private record Entry<V>(V value, long stamp) {
    }

    private final int limit;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();

    public RecentUploads(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        this.limit = limit;
    }

    public V get(String uploadId) {
        Entry<V> entry = entries.get(uploadId);
        return entry == null ? null : entry.value();
    }

    public V remove(String uploadId) {
        Entry<V> entry = entries.remove(uploadId);
        return entry == null ? null : entry.value();
    }

    public void put(String uploadId, V value) {
        entries.put(uploadId, new Entry<>(value, clock.incrementAndGet()));
        if (entries.size() > limit) {
            evictOldest();
        }
    }

    public int size() {
        return entries.size();
    }

    /** Drops the least recently written quarter (at least down to the limit); rare, so a sort is fine. */
    private synchronized void evictOldest() {
        int excess = entries.size() - limit * 3 / 4;
        if (excess <= 0) {
            return;
        }
        entries.entrySet().stream().sorted(Comparator.comparingLong(e -> e.getValue().stamp())).limit(excess)
                .map(Map.Entry::getKey).toList().forEach(entries::remove);
    }
}
