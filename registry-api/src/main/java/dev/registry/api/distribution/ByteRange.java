package dev.registry.api.distribution;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range, inclusive on both ends: a {@code Range: bytes=} request header (RFC 9110
 * section 14.1.2, single range) or an upload's {@code Content-Range: <start>-<end>}.
 */
record ByteRange(long start, long end) {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?");

    long length() {
        return end - start + 1;
    }

    /** A request's {@code Range} against a blob of {@code size} bytes; null when absent. */
    static ByteRange ofRequest(String header, long size) {
        if (header == null) {
            return null;
        }
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw unsatisfiable("unsupported Range header '" + header + "'; use a single range bytes=<start>-<end>");
        }
        try {
            long start;
            long end;
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(m.group(1));
                end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            }
            if (start >= size || end < start) {
                throw unsatisfiable("range " + header + " is outside the blob of " + size + " bytes");
            }
            return new ByteRange(start, end);
        } catch (NumberFormatException e) {
            throw unsatisfiable("range " + header + " is not a number");
        }
    }

    /** An upload chunk's {@code Content-Range}; null when absent. */
    static ByteRange ofChunk(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (!m.matches()) {
            throw unsatisfiable("invalid Content-Range '" + header + "'; expected <start>-<end>");
        }
        try {
            ByteRange range = new ByteRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            if (range.end < range.start) {
                throw unsatisfiable("Content-Range " + header + " ends before it starts");
            }
            if (range.end == Long.MAX_VALUE) {
                // its length (end - start + 1) would not fit in a long
                throw unsatisfiable("Content-Range " + header + " ends beyond any blob's size");
            }
            return range;
        } catch (NumberFormatException e) {
            throw unsatisfiable("Content-Range " + header + " is not a number");
        }
    }

    private static RegistryException unsatisfiable(String message) {
        return new RegistryException(ErrorCode.RANGE_INVALID, message);
    }
}
