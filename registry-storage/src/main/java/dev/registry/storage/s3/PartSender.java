package dev.registry.storage.s3;

import dev.registry.storage.StorageException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Sends the parts of one append to S3 in order, each in the background while the client's next
 * bytes arrive, so receiving and sending overlap instead of taking turns (a large blob's PATCH
 * otherwise waits for every part before it reads on). At most one part is in flight; its bytes
 * are copied into a part buffer whose bytes come from the process's {@link UploadMemory}, so the
 * extra memory is bounded whatever the number of uploads: when those bytes are not free at once,
 * the part is sent in the request's thread as before.
 *
 * <p>Parts enter {@code parts} (the append's list) in order, once S3 acknowledged them; a failure
 * of a part sent in the background is thrown by the next {@link #send} or {@link #await}.
 */
final class PartSender implements AutoCloseable {

    /** One UploadPart request; returns the part's ETag. */
    interface Upload {
        String send(int number, byte[] bytes, int length);
    }

    private final UploadArea area;
    private final List<UploadState.Part> parts;
    private byte[] spare;
    private Future<UploadState.Part> inFlight;

    PartSender(UploadArea area, List<UploadState.Part> parts) {
        this.area = area;
        this.parts = parts;
    }

    /** The number the next part sent gets. */
    int nextNumber() {
        return parts.size() + (inFlight == null ? 1 : 2);
    }

    /**
     * Sends {@code bytes[0, length)} as part {@link #nextNumber()}, in the background when
     * {@code background} and a part buffer is free. Returns once {@code bytes} may be reused.
     */
    void send(Upload upload, byte[] bytes, int length, boolean background) throws InterruptedIOException {
        await();
        int number = parts.size() + 1;
        if (background && spare == null && area.memory.tryTake(area.partSize)) {
            spare = new byte[area.partSize];
        }
        if (!background || spare == null || length > spare.length) {
            parts.add(new UploadState.Part(number, upload.send(number, bytes, length), length));
            return;
        }
        System.arraycopy(bytes, 0, spare, 0, length);
        byte[] copy = spare;
        inFlight = area.partSenders.submit(() -> new UploadState.Part(number, upload.send(number, copy, length), length));
    }

    /** Waits for the part in flight, if any, and adds it to the parts; throws its failure. */
    void await() throws InterruptedIOException {
        if (inFlight == null) {
            return;
        }
        try {
            parts.add(inFlight.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while a part was sent to S3");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new StorageException("cannot send a part to S3", e.getCause());
        } finally {
            inFlight = null;
        }
    }

    /** Waits for the part in flight whatever its outcome, and gives the part buffer back. Idempotent. */
    @Override
    public void close() {
        if (inFlight != null) {
            try {
                inFlight.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException ignored) {
                // the append fails anyway, or already failed with this
            }
            inFlight = null;
        }
        if (spare != null) {
            spare = null;
            area.memory.give(area.partSize);
        }
    }
}
