package dev.registry.api.distribution;

import dev.registry.core.upload.UploadLimits;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An upload's request body that must keep arriving at {@link UploadLimits#minBodyRate()} on average
 * once {@link UploadLimits#minBodyRateGrace()} has passed (issue 11, security item 11): a client
 * trickling a byte every few seconds would otherwise hold its connection, request and upload for
 * as long as Tomcat's per-read timeout allows, again and again. Below the rate a read fails with
 * {@link BodyTooSlowException}, which {@code OciExceptionHandler} answers with 408 and a closed
 * connection. The bytes already appended stay in the upload, which can be resumed from its offset.
 */
final class MinimumRateInputStream extends FilterInputStream {

    private final long minBytesPerSecond;
    private final long graceNanos;
    private final long startedAt = System.nanoTime();
    private long read;

    private MinimumRateInputStream(InputStream in, long minBytesPerSecond, long graceNanos) {
        super(in);
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = graceNanos;
    }

    /** The body as is when the check is off ({@code min-body-rate: 0}). */
    static InputStream guard(InputStream body, UploadLimits limits) {
        long rate = limits.minBodyRate().toBytes();
        return rate <= 0 ? body : new MinimumRateInputStream(body, rate, limits.minBodyRateGrace().toNanos());
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        counted(b < 0 ? 0 : 1);
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        counted(Math.max(n, 0));
        return n;
    }

    private void counted(int n) throws BodyTooSlowException {
        read += n;
        long elapsed = System.nanoTime() - startedAt;
        if (elapsed > graceNanos && read * 1_000_000_000.0 / elapsed < minBytesPerSecond) {
            throw new BodyTooSlowException("the request body arrived at " + Math.round(read * 1_000_000_000.0 / elapsed)
                    + " bytes/s, below the minimum of " + minBytesPerSecond + " bytes/s; the upload keeps the bytes"
                    + " received so far: ask for its status (GET on its location) and resume from there");
        }
    }

    /** The body arrived too slowly; the bytes read so far were appended. */
    static final class BodyTooSlowException extends IOException {
        BodyTooSlowException(String message) {
            super(message);
        }
    }
}
