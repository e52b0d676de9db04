package dev.registry.storage.filesystem;

import dev.registry.storage.RecentUploads;
import java.security.MessageDigest;

/**
 * The running SHA-256 of uploads this process has written, so the common case (the client sends
 * the blob in one or several requests to the same replica) hashes every byte once, while streaming.
 *
 * <p>Only a shortcut: a state is used only when it covers exactly the bytes in the upload file;
 * otherwise (another process appended, or this process restarted) commit re-hashes the file.
 */
final class UploadHashCache {

    record State(MessageDigest sha256, long offset) {
    }

    /** At most this many uploads keep a running digest here; more than that are hashed again at commit. */
    static final int LIMIT = 10_000;
    private final RecentUploads<State> states = new RecentUploads<>(LIMIT);

    /** A state covering exactly {@code offset} bytes, or null. The caller owns the returned digest. */
    State take(String uploadId, long offset) {
        State state = states.remove(uploadId);
        return state != null && state.offset() == offset ? state : null;
    }

    void put(String uploadId, MessageDigest sha256, long offset) {
        states.put(uploadId, new State(sha256, offset));
    }

    void forget(String uploadId) {
        states.remove(uploadId);
    }
}
