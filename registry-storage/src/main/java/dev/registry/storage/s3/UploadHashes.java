package dev.registry.storage.s3;

import dev.registry.storage.Digest;
import dev.registry.storage.RecentUploads;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The running SHA-256 (JDK {@link MessageDigest}) of uploads this process appended to, kept in
 * memory only, so the common case (a blob sent in one PATCH or PUT, or in chunks to one replica)
 * hashes every byte once while streaming and commit needs no read-back.
 *
 * <p>Only a shortcut, like the filesystem store's cache: a digest is used only while the state
 * object still carries the token and size of the append that produced it, i.e. it covers exactly
 * the upload's bytes. Otherwise (another replica appended, or this process restarted) appends
 * here do not hash and commit verifies by reading the assembled bytes back. An append hashes into a
 * copy and the copy is kept only once its state was saved, so a failed append leaves no entry that
 * claims bytes the state does not hold.
 */
final class UploadHashes {

    /** A hash running over the bytes of one append. */
    sealed interface Running {
        void update(byte[] bytes, int offset, int length);
    }

    record Fast(MessageDigest sha256) implements Running {
        public void update(byte[] bytes, int offset, int length) {
            sha256.update(bytes, offset, length);
        }
    }

    /** The earlier bytes were not hashed here: hashing the new ones would be of no use. */
    record Unknown() implements Running {
        public void update(byte[] bytes, int offset, int length) {
        }
    }

    private record Local(String token, long size, MessageDigest sha256) {
    }

    /** At most this many uploads keep a running digest here; more than that verify by reading back. */
    static final int LIMIT = 10_000;
    private final RecentUploads<Local> local = new RecentUploads<>(LIMIT);

    /** The hash an append to {@code state} continues: a copy of the covering digest, a new one at size 0, or none. */
    Running forAppend(String id, UploadState state) {
        Local mine = covering(id, state);
        if (mine != null) {
            return new Fast(copy(mine.sha256()));
        }
        return state.size() == 0 ? new Fast(Digest.newMessageDigest("sha256")) : new Unknown();
    }

    /** After the append that wrote {@code state} succeeded: keeps its digest, or drops a stale one. */
    void appended(String id, UploadState state, Running hash) {
        if (hash instanceof Fast fast) {
            local.put(id, new Local(state.token(), state.size(), fast.sha256()));
        } else {
            local.remove(id);
        }
    }

    /** The SHA-256 of all the upload's bytes when this process's digest covers exactly {@code state}. */
    Optional<Digest> sha256(String id, UploadState state) {
        Local mine = covering(id, state);
        return mine == null ? Optional.empty()
                : Optional.of(Digest.fromMessageDigest("sha256", copy(mine.sha256())));
    }

    void forget(String id) {
        local.remove(id);
    }

    private Local covering(String id, UploadState state) {
        Local mine = local.get(id);
        return mine != null && mine.token().equals(state.token()) && mine.size() == state.size() ? mine : null;
    }

    private static MessageDigest copy(MessageDigest md) {
        try {
            return (MessageDigest) md.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("JDK digest is not cloneable", e);
        }
    }
}
