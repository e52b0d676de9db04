package dev.registry.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;

/**
 * The one buffer an append holds: at most one part ({@link S3Settings#partSize()}) and the smallest
 * part S3 takes ({@link S3Settings#MIN_PART_SIZE}) of bytes, so the memory a request needs is
 * bounded whatever the blob's size. A part is sent only once that much more has arrived, so when
 * the client's stream ends what is left is a whole last part (or the whole blob, up to the
 * capacity, as one object), never a small remainder that would need an object and a copy of its
 * own. It grows from a small start, so small chunks cost little. The previous tail is loaded
 * first (not hashed again), then client bytes (hashed as they are read, exactly once whatever the
 * SDK retries later). Its bytes come from the process's {@link UploadMemory} before each
 * allocation.
 */
final class PartBuffer {

    private static final int INITIAL = 256 * 1024;

    private final int partSize;
    private final int capacity;
    private final UploadMemory.Lease lease;
    private byte[] bytes;
    private int length;
    private boolean ended;

    /**
     * @param expected bytes this append will probably hold (tail + announced length), or -1
     * @param lease    the append's share of {@link UploadMemory}, grown before every allocation
     */
    PartBuffer(long partSize, long expected, UploadMemory.Lease lease) throws InterruptedIOException {
        this.partSize = (int) partSize;
        this.capacity = capacity(partSize);
        this.lease = lease;
        long start = expected < 0 ? INITIAL : Math.max(expected, 1);
        int size = (int) Math.min(capacity, start);
        lease.growTo(size);
        this.bytes = new byte[size];
    }

    /** The most an append's buffer holds: a part and the smallest part after it. */
    static int capacity(long partSize) {
        return Math.toIntExact(partSize + S3Settings.MIN_PART_SIZE);
    }

    /** Loads {@code size} bytes of an earlier tail; they were hashed when they were appended. */
    void load(InputStream tail, int size) throws IOException {
        ensure(size);
        int n = tail.readNBytes(bytes, 0, size);
        if (n != size) {
            throw new IOException("upload tail ended after " + n + " of " + size + " bytes");
        }
        length = size;
    }

    /**
     * Reads from {@code in} until the buffer is full (a part and what may follow it) or the stream
     * ends, hashing every byte read.
     *
     * @return bytes read from {@code in}
     */
    long fill(InputStream in, UploadHashes.Running hash) throws IOException {
        long read = 0;
        while (length < capacity) {
            if (length == bytes.length) {
                // a buffer sized to the announced length: grow only if more bytes really come
                int b = in.read();
                if (b < 0) {
                    ended = true;
                    break;
                }
                ensure(length + 1);
                bytes[length] = (byte) b;
                hash.update(bytes, length, 1);
                length++;
                read++;
                continue;
            }
            int n = in.read(bytes, length, bytes.length - length);
            if (n < 0) {
                ended = true;
                break;
            }
            hash.update(bytes, length, n);
            length += n;
            read += n;
        }
        return read;
    }

    /** Holds a whole part and the smallest part after it: the first {@link #partSize()} bytes may go. */
    boolean full() {
        return length == capacity;
    }

    int partSize() {
        return partSize;
    }

    /** Drops the first part's bytes once they were uploaded; what followed them moves to the front. */
    void dropPart() {
        System.arraycopy(bytes, partSize, bytes, 0, length - partSize);
        length -= partSize;
    }

    /** The client's stream has ended. */
    boolean ended() {
        return ended;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    private void ensure(int needed) throws InterruptedIOException {
        if (needed > bytes.length) {
            int size = (int) Math.min(capacity, Math.max(needed, 2L * bytes.length));
            lease.growTo(size);
            bytes = Arrays.copyOf(bytes, size);
        }
    }
}
