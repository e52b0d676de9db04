package dev.registry.storage.s3;

import dev.registry.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What another process needs to continue an upload, stored as the object {@code uploads/<id>/state}.
 *
 * <p>The bytes of an upload are the parts of its S3 multipart upload in order, then the tail object.
 * Only parts and a tail listed here count: a part or tail written by an append that failed before
 * it rewrote the state is ignored (and overwritten or deleted later), which makes appends atomic.
 *
 * <p>No hash is stored: see {@link UploadHashes}; a process without a covering in-memory digest
 * verifies by re-reading the bytes at commit.
 *
 * @param size      bytes received so far
 * @param token     random id of the append that wrote this state: a process may trust its in-memory
 *                  hash only when the state still carries the token (and size) it wrote
 * @param multipart the S3 multipart upload id, or null before the first part
 * @param parts     parts 1..n with their ETags (checked by S3 when the multipart upload completes)
 * @param tail      the bytes after the last part, or null when there are none
 */
record UploadState(long size, String token, String multipart, List<Part> parts, Tail tail) {

    record Part(int number, String etag, long size) {
    }

    record Tail(String token, String etag, long size) {
    }

    private static final String MAGIC = "registry-s3-upload 2";

    UploadState {
        parts = List.copyOf(parts);
    }

    /** A new, empty upload. */
    static UploadState empty(String token) {
        return new UploadState(0, token, null, List.of(), null);
    }

    long partsSize() {
        return size - (tail == null ? 0 : tail.size());
    }

    byte[] encode() {
        StringBuilder out = new StringBuilder(MAGIC).append('\n');
        out.append("size ").append(size).append('\n');
        out.append("token ").append(token).append('\n');
        out.append("multipart ").append(multipart == null ? "-" : multipart).append('\n');
        for (Part part : parts) {
            out.append("part ").append(part.number()).append(' ').append(part.etag()).append(' ').append(part.size())
                    .append('\n');
        }
        if (tail != null) {
            out.append("tail ").append(tail.token()).append(' ').append(tail.etag()).append(' ').append(tail.size())
                    .append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static UploadState decode(String uploadId, byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 4 || !lines[0].equals(MAGIC)) {
            throw new StorageException("upload " + uploadId + " has an unreadable state object");
        }
        try {
            long size = Long.parseLong(value(lines[1], "size"));
            String token = value(lines[2], "token");
            String multipart = value(lines[3], "multipart");
            List<Part> parts = new ArrayList<>();
            Tail tail = null;
            for (int i = 4; i < lines.length; i++) {
                String[] f = lines[i].split(" ");
                switch (f[0]) {
                    case "part" -> parts.add(new Part(Integer.parseInt(f[1]), f[2], Long.parseLong(f[3])));
                    case "tail" -> tail = new Tail(f[1], f[2], Long.parseLong(f[3]));
                    default -> throw new IllegalArgumentException(lines[i]);
                }
            }
            return new UploadState(size, token, multipart.equals("-") ? null : multipart, parts, tail);
        } catch (RuntimeException e) {
            throw new StorageException("upload " + uploadId + " has an unreadable state object", e);
        }
    }

    private static String value(String line, String name) {
        if (!line.startsWith(name + " ")) {
            throw new IllegalArgumentException("expected " + name + ": " + line);
        }
        return line.substring(name.length() + 1);
    }
}
