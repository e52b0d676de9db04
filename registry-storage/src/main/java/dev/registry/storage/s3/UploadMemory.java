package dev.registry.storage.s3;

import dev.registry.storage.StorageException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The heap the S3 store's uploads may hold in buffers at once, process-wide.
 *
 * <p>An append buffers up to a part and 5 MiB ({@link PartBuffer}, 13 MiB with the defaults) and
 * may send a part in the background from a copy ({@link PartSender}). Without a bound, 16
 * concurrent pushes of 12 MiB layers took 16 × 13 MiB on a 192 MiB heap and failed with
 * {@code OutOfMemoryError} (6 of 16 pushes answered 500). Every buffer now takes its bytes from
 * this budget before it is allocated or grown: an append whose buffer cannot grow waits for
 * another to give bytes back (its client is simply read more slowly), and after the wait (30 s)
 * fails with a {@link StorageException} (503 with {@code Retry-After}, the append rolled back),
 * which also ends the rare case of appends each holding part of the budget and all waiting for
 * more. Part copies for the background take bytes only when they are free at once.
 *
 * <p>Counted in KiB (a {@link Semaphore} counts in {@code int}); a buffer's size is counted from
 * its allocation until its append ends. While a growing buffer is copied into a larger one, the
 * old array is not counted: the budget is a bound on what the buffers keep, not a byte-exact one.
 */
final class UploadMemory {

    private static final int KIB = 1024;

    private final Semaphore kib;
    private final long budget;
    private final Duration wait;

    /**
     * @param budget bytes all buffers may hold together; raised to at least two appends' worth
     * @param wait   how long an append waits for bytes before it fails
     */
    UploadMemory(long budget, long appendCapacity, Duration wait) {
        this.budget = Math.max(budget, 2 * appendCapacity);
        this.kib = new Semaphore(Math.toIntExact(Math.ceilDiv(this.budget, KIB)), true);
        this.wait = wait;
    }

    /** A third of the heap limit, and at least two appends' worth. */
    static UploadMemory forHeap(long appendCapacity) {
        return new UploadMemory(Runtime.getRuntime().maxMemory() / 3, appendCapacity, Duration.ofSeconds(30));
    }

    long budget() {
        return budget;
    }

    /** Bytes no buffer holds right now (for tests). */
    long free() {
        return (long) kib.availablePermits() * KIB;
    }

    /** Bytes for a part copy sent in the background, if they are free now. */
    boolean tryTake(int bytes) {
        return kib.tryAcquire(kibOf(bytes));
    }

    void give(int bytes) {
        kib.release(kibOf(bytes));
    }

    /** What one append's buffer holds; {@link #close} gives it all back. */
    Lease lease() {
        return new Lease();
    }

    final class Lease implements AutoCloseable {
        private int held;

        /** Takes what a buffer of {@code bytes} needs beyond what this lease holds, waiting for it if need be. */
        void growTo(int bytes) throws InterruptedIOException {
            int more = kibOf(bytes) - held;
            if (more <= 0) {
                return;
            }
            try {
                if (!kib.tryAcquire(more, wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new StorageException("no memory for upload buffers for " + wait.toSeconds()
                            + " s: " + (budget / (KIB * KIB)) + " MiB are in use by other uploads; retry later");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for upload buffer memory");
            }
            held += more;
        }

        @Override
        public void close() {
            kib.release(held);
            held = 0;
        }
    }

    private static int kibOf(long bytes) {
        return Math.toIntExact(Math.ceilDiv(bytes, KIB));
    }
}
