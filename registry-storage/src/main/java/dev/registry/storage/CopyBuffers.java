package dev.registry.storage;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The buffers blob bytes are copied through (uploads to the filesystem store, downloads through the registry, an S3
 * upload read back to hash it again): a blob of {@link #SIZE} or more gets one of a few kept {@link #SIZE} buffers, a
 * smaller one a buffer of its own length.
 *
 * <p>A large blob's copy lasts long enough for its buffer to outlive the young generation: allocated per request, 32
 * concurrent 8 MiB layer GETs kept 8 MiB of buffers alive at any time, which got promoted and filled the old
 * generation into a full collection every few seconds (docs/benchmarks.md, issue 15). Kept buffers stay in the old
 * generation once and are reused; beyond {@link #KEPT} at a time, they are allocated and dropped as before. A buffer
 * is handed back only by the copy that took it, which writes out only the bytes it read into it.
 */
public final class CopyBuffers {

    /** The large buffer: 256 KiB. */
    public static final int SIZE = 256 * 1024;
    /** Buffers kept for reuse (8 MiB). */
    static final int KEPT = 32;
    private static final ArrayBlockingQueue<byte[]> FREE = new ArrayBlockingQueue<>(KEPT);

    private CopyBuffers() {
    }

    /**
     * A buffer for copying {@code length} bytes ({@code -1}: unknown): a kept {@link #SIZE} buffer when that is
     * {@link #SIZE} or more or unknown, else a new one of {@code length} bytes (at least 1).
     */
    public static byte[] take(long length) {
        if (length >= 0 && length < SIZE) {
            return new byte[(int) Math.max(length, 1)];
        }
        byte[] kept = FREE.poll();
        return kept != null ? kept : new byte[SIZE];
    }

    /** Hands a buffer from {@link #take} back once the copy is done with it; only {@link #SIZE} buffers are kept. */
    public static void give(byte[] buffer) {
        if (buffer.length == SIZE) {
            FREE.offer(buffer);
        }
    }
}
