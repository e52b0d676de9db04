package dev.registry.core.upload;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.ThrottledException;
import dev.registry.core.artifact.BlobService;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.artifact.internal.Repositories;
import dev.registry.core.quota.QuotaService;
import dev.registry.core.upload.internal.UploadSessions;
import dev.registry.core.upload.internal.UploadSessions.Session;
import dev.registry.storage.BlobInfo;
import dev.registry.storage.BlobStore;
import dev.registry.storage.BlobUpload;
import dev.registry.storage.Digest;
import dev.registry.storage.DigestMismatchException;
import dev.registry.storage.SizeMismatchException;
import dev.registry.storage.UploadBusyException;
import dev.registry.storage.UploadNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Blob uploads (OCI distribution spec, "Pushing blobs"): monolithic, chunked and streamed.
 *
 * <p>No database transaction is open while bytes stream: a short transaction finds the session,
 * the bytes go to the {@link BlobStore}, and another short transaction records the outcome. A
 * blob becomes visible in a repository only after the store verified its digest and the link row
 * committed; on any failure nothing partial is visible. Sessions live in the database, so any
 * replica can continue any upload; idle sessions expire ({@link #expireIdle}).
 */
@Service
public class UploadService {

    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    /** When a client refused for too many open uploads may try again (finishing one frees a slot at once). */
    private static final Duration RETRY_OPEN_LIMIT = Duration.ofSeconds(30);
    /**
     * How stale a session's last activity may be: a chunk appended within this of the session's
     * start or last touch does not touch it again (a transaction per blob fewer for clients that
     * send POST, PATCH and PUT in a row). Idle sessions expire after hours, not seconds.
     */
    private static final Duration TOUCH_RESOLUTION = Duration.ofSeconds(1);

    private final BlobStore store;
    private final BlobService blobs;
    private final Repositories repositories;
    private final UploadSessions sessions;
    private final TransactionTemplate tx;
    private final QuotaService quota;
    private final UploadLimits limits;

    public UploadService(BlobStore store, BlobService blobs, Repositories repositories,
                         UploadSessions sessions, TransactionTemplate tx, QuotaService quota, UploadLimits limits) {
        this.store = store;
        this.blobs = blobs;
        this.repositories = repositories;
        this.sessions = sessions;
        this.tx = tx;
        this.quota = quota;
        this.limits = limits;
    }

    /**
     * Opens a session for a chunked or streamed upload. {@code startedBy} names who was allowed to
     * start it: that principal may finish it even after its token expired ({@link #startedBy}).
     * {@code DENIED} when the project is already at its quota; {@code TOOMANYREQUESTS} when the
     * repository or the principal holds as many open uploads as {@link UploadLimits} allows.
     */
    public UploadStatus start(RepositoryName name, String startedBy) throws IOException {
        quota.requireRoomFor(name.project(), 0, null);
        requireBelowOpenLimits(name, startedBy);
        BlobUpload upload = store.startUpload();
        String id = UUID.randomUUID().toString();
        tx.executeWithoutResult(status ->
                sessions.open(id, repositories.ensure(name), upload.id(), startedBy, Instant.now()));
        return new UploadStatus(id, 0, store.minimumChunkSize());
    }

    /** Who started the open upload {@code id} in the repository, if it is open. */
    public Optional<String> startedBy(RepositoryName name, String id) {
        return sessions.findInRepository(id, name.value()).map(Session::startedBy);
    }

    /**
     * A whole blob in one request ({@code POST ?digest=}); nothing is kept unless it verifies.
     * {@code DENIED} when linking it would exceed the project's quota: the blob is not linked
     * (its verified bytes stay in the content-addressed store, queued for garbage collection, which
     * removes them unless another link uses them).
     */
    public BlobInfo uploadMonolithic(RepositoryName name, Digest digest, InputStream body, long length)
            throws IOException {
        quota.requireRoomFor(name.project(), Math.max(0, length), digest.toString());
        BlobUpload upload = store.startUpload();
        BlobInfo blob;
        try {
            upload.append(body, length);
            blob = upload.commit(digest);
        } catch (RuntimeException e) {
            upload.cancel();
            throw translate(e);
        } catch (IOException e) {
            upload.cancel();
            throw e;
        }
        try {
            blobs.link(name, blob);
        } catch (RegistryException refused) {
            abandoned(blob, refused);
            throw refused;
        }
        return blob;
    }

    /**
     * Appends a chunk and touches the session (within {@link #TOUCH_RESOLUTION}).
     *
     * @param rangeStart the first offset of {@code Content-Range}, or null for a streamed chunk
     * @param length     the announced length, or -1
     */
    public UploadStatus append(RepositoryName name, String id, Long rangeStart, long length, InputStream body)
            throws IOException {
        Session session = find(name, id);
        BlobUpload upload = resume(session);
        if (rangeStart != null && rangeStart != upload.size()) {
            throw new RegistryException(ErrorCode.RANGE_INVALID, "chunk starts at " + rangeStart
                    + " but the upload has " + upload.size() + " bytes; send the chunk starting there");
        }
        if (length > 0) {
            quota.requireRoomFor(name.project(), upload.size() + length, null);
        }
        try {
            upload.append(body, length);
        } catch (RuntimeException e) {
            throw translate(e);
        }
        Instant now = Instant.now();
        if (session.updatedAt().isBefore(now.minus(TOUCH_RESOLUTION))) {
            tx.executeWithoutResult(status -> sessions.touch(id, now));
        }
        return new UploadStatus(id, upload.size(), store.minimumChunkSize());
    }

    public UploadStatus status(RepositoryName name, String id) {
        Session session = find(name, id);
        return new UploadStatus(id, resume(session).size(), store.minimumChunkSize());
    }

    /**
     * Appends the optional last chunk, verifies the digest and links the blob. On a digest
     * mismatch the upload is discarded and the session closed; when the link is refused (the
     * project's quota) the session is closed too and the blob is not linked.
     */
    public BlobInfo complete(RepositoryName name, String id, Digest digest, InputStream lastChunk, long length)
            throws IOException {
        Session session = find(name, id);
        BlobUpload upload = resume(session);
        if (lastChunk != null && length > 0) {
            try {
                quota.requireRoomFor(name.project(), upload.size() + length, digest.toString());
            } catch (RegistryException refused) {
                // as when the link is refused: the session ends, and its bytes with it
                upload.cancel();
                closeSession(id);
                throw refused;
            }
        }
        BlobInfo blob;
        try {
            if (lastChunk != null) {
                upload.append(lastChunk, length);
            }
            blob = upload.commit(digest);
        } catch (DigestMismatchException e) {
            closeSession(id);
            throw translate(e);
        } catch (RuntimeException e) {
            throw translate(e);
        }
        try {
            blobs.link(name, blob, () -> sessions.close(id));
        } catch (RegistryException refused) {
            closeSession(id);
            abandoned(blob, refused);
            throw refused;
        }
        return blob;
    }

    public void cancel(RepositoryName name, String id) {
        Session session = find(name, id);
        try {
            store.resumeUpload(session.storageUploadId()).cancel();
        } catch (UploadNotFoundException | IOException gone) {
            // bytes already gone: closing the session is all that is left
        }
        closeSession(id);
    }

    /** Cancels sessions idle for longer than {@code timeout}, and upload bytes no session owns. */
    public int expireIdle(Duration timeout) throws IOException {
        Instant cutoff = Instant.now().minus(timeout);
        int expired = 0;
        for (Session session : sessions.findIdleSince(cutoff)) {
            try {
                store.resumeUpload(session.storageUploadId()).cancel();
            } catch (UploadNotFoundException gone) {
                // nothing to remove
            }
            closeSession(session.id());
            expired++;
        }
        store.purgeUploadsOlderThan(cutoff);
        if (expired > 0) {
            log.info("expired {} upload sessions idle since {}", expired, cutoff);
        }
        return expired;
    }

    private void requireBelowOpenLimits(RepositoryName name, String startedBy) {
        long inRepository = sessions.countInRepository(name.value());
        if (inRepository >= limits.maxOpenPerRepository()) {
            throw new ThrottledException("repository " + name + " has " + inRepository + " open uploads, the most allowed;"
                    + " finish or cancel some (DELETE on their location) before starting another", RETRY_OPEN_LIMIT);
        }
        if (startedBy != null && sessions.countStartedBy(startedBy) >= limits.maxOpenPerPrincipal()) {
            throw new ThrottledException(startedBy + " has " + limits.maxOpenPerPrincipal() + " open uploads, the most"
                    + " allowed; finish or cancel some (DELETE on their location) before starting another", RETRY_OPEN_LIMIT);
        }
    }

    /** Verified bytes the quota kept out: garbage collection removes them unless a link comes. */
    private void abandoned(BlobInfo blob, RegistryException refused) {
        if (refused.code() == ErrorCode.DENIED) {
            blobs.abandoned(blob);
        }
    }

    private void closeSession(String id) {
        tx.executeWithoutResult(status -> sessions.close(id));
    }

    private Session find(RepositoryName name, String id) {
        return sessions.findInRepository(id, name.value()).orElseThrow(() -> unknown(id, name));
    }

    private BlobUpload resume(Session session) {
        try {
            return store.resumeUpload(session.storageUploadId());
        } catch (UploadNotFoundException | IOException e) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + session.id() + " has expired");
        }
    }

    private static RegistryException unknown(String id, RepositoryName name) {
        return new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN,
                "upload " + id + " is unknown in repository " + name + " (never started, finished, cancelled or expired)");
    }

    /** Storage refusals in the registry's vocabulary; other failures pass through unchanged. */
    private static RuntimeException translate(RuntimeException e) {
        if (e instanceof DigestMismatchException d) {
            return new RegistryException(ErrorCode.DIGEST_INVALID, d.getMessage());
        }
        if (e instanceof SizeMismatchException s) {
            return new RegistryException(ErrorCode.SIZE_INVALID, s.getMessage());
        }
        if (e instanceof UploadBusyException b) {
            return new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, b.getMessage() + "; retry when it has finished");
        }
        if (e instanceof UploadNotFoundException n) {
            return new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, n.getMessage());
        }
        return e;
    }
}
