package dev.registry.core.artifact;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.internal.BlobEntityRepository;
import dev.registry.core.artifact.internal.Repositories;
import dev.registry.core.artifact.internal.Retry;
import dev.registry.core.artifact.internal.RowLocks;
import dev.registry.core.gc.GcPolicy;
import dev.registry.core.gc.ReviewQueue;
import dev.registry.core.quota.QuotaLedger;
import dev.registry.storage.BlobInfo;
import dev.registry.storage.BlobStore;
import dev.registry.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Which repository may see which blob. Bytes are stored once for the whole registry; a blob is
 * reachable in a repository only through a link row, so a digest alone never grants access
 * across repositories.
 *
 * <p>Online garbage collection ({@code docs/gc-design.md}) deletes a blob's row and bytes while it
 * holds the row {@code FOR UPDATE}. So every link here takes the blob row with a shared lock and
 * then checks that the bytes are still stored: either the link commits first (and the collector
 * then sees it), or the collection does (and the link finds the bytes gone: an upload is refused
 * with {@code BLOB_UPLOAD_INVALID} so the client sends the blob again, a mount falls back to an
 * upload). A new link is queued for review after the grace ({@link GcPolicy#grace()}), so an
 * upload whose manifest never comes is collected; confirming a link that is queued
 * ({@link #confirmLinked}, a {@code HEAD} before a push) restarts its grace.
 */
@Service
public class BlobService {

    /** The bytes of a blob being linked were deleted by garbage collection meanwhile. */
    static final class BytesMissing extends RuntimeException {
        BytesMissing(Digest digest) {
            super("blob " + digest + " was removed by garbage collection while it was being linked", null, false, false);
        }
    }

    private final BlobEntityRepository blobs;
    private final Repositories repositories;
    private final TransactionTemplate tx;
    private final BlobStore store;
    private final QuotaLedger quota;
    private final JdbcClient jdbc;
    private final RowLocks locks;
    private final ReviewQueue review;
    private final Duration grace;

    public BlobService(BlobEntityRepository blobs, Repositories repositories, TransactionTemplate tx, BlobStore store,
                       QuotaLedger quota, JdbcClient jdbc, RowLocks locks, ReviewQueue review, GcPolicy gc) {
        this.store = store;
        this.quota = quota;
        this.blobs = blobs;
        this.repositories = repositories;
        this.tx = tx;
        this.jdbc = jdbc;
        this.locks = locks;
        this.review = review;
        this.grace = gc.grace();
    }

    /** The size of a blob linked in the repository, or empty. */
    public Optional<Long> linkedSize(RepositoryName name, Digest digest) {
        return linkedSize(name.value(), digest.toString());
    }

    /**
     * One plain statement: every layer GET of a pull asks it, and a Spring Data query method ran it in a read-only JPA
     * transaction of its own (5 % of a node storm's CPU, issue 15's profile).
     */
    private Optional<Long> linkedSize(String repository, String digest) {
        return jdbc.sql("SELECT b.size FROM blob b JOIN repository_blob l ON l.digest = b.digest"
                        + " JOIN repository r ON r.id = l.repository_id WHERE r.name = ? AND b.digest = ?")
                .params(repository, digest).query(Long.class).optional();
    }

    /** Like {@link #linkedSize} but refuses with {@code BLOB_UNKNOWN}. */
    public long requireLinked(RepositoryName name, Digest digest) {
        return linkedSize(name, digest).orElseThrow(() -> unknown(name, digest));
    }

    /**
     * {@link #requireLinked} for a client that checks a blob before pushing a manifest using it
     * ({@code HEAD}): when the blob is a garbage collection candidate and its link is older than
     * half the grace, the link's grace restarts, so the client has a whole grace to push its
     * manifest. Other blobs are only read.
     */
    public long confirmLinked(RepositoryName name, Digest digest) {
        Instant now = Instant.now();
        OffsetDateTime halfGrace = OffsetDateTime.ofInstant(now.minus(grace.dividedBy(2)), java.time.ZoneOffset.UTC);
        record Link(long repositoryId, long size, boolean stale) {
        }
        Link link = jdbc.sql("SELECT l.repository_id, b.size, CASE WHEN l.created_at < :half AND EXISTS"
                        + " (SELECT 1 FROM gc_blob_review g WHERE g.digest = b.digest) THEN 1 ELSE 0 END"
                        + " FROM blob b JOIN repository_blob l ON l.digest = b.digest JOIN repository r ON r.id = l.repository_id"
                        + " WHERE r.name = :repository AND b.digest = :digest")
                .param("half", halfGrace).param("repository", name.value()).param("digest", digest.toString())
                .query((rs, n) -> new Link(rs.getLong(1), rs.getLong(2), rs.getInt(3) == 1)).optional()
                .orElseThrow(() -> unknown(name, digest));
        if (link.stale() && store.stat(digest).isEmpty()) {
            // a collection deleted the bytes and died before it committed: let the client upload again
            throw unknown(name, digest);
        }
        if (link.stale()) {
            // the collector deletes a link only if it is still old when it deletes: either this
            // update comes first and the link stays, or the link is gone and the blob is unknown
            int refreshed = tx.execute(status -> jdbc.sql("UPDATE repository_blob SET created_at = ?"
                            + " WHERE repository_id = ? AND digest = ?")
                    .params(OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC), link.repositoryId(), digest.toString())
                    .update());
            if (refreshed == 0) {
                throw unknown(name, digest);
            }
        }
        return link.size();
    }

    private static RegistryException unknown(RepositoryName name, Digest digest) {
        return new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not in repository " + name);
    }

    /**
     * Records a verified blob and links it into the repository. Idempotent. {@code DENIED} when
     * the link would take the project over its quota; then nothing is linked (the verified bytes
     * stay in the content-addressed store, where another link may use them or garbage collection
     * removes them).
     */
    public void link(RepositoryName name, BlobInfo blob) {
        link(name, blob, () -> { });
    }

    /**
     * Records a verified blob, links it into the repository and runs {@code alsoInTransaction}
     * (closing the upload session that produced it) in the same short transaction. Idempotent.
     * The project's usage grows by the blob's size when no repository of the project linked it
     * yet; {@code DENIED} (and nothing stored) when that would exceed the quota.
     */
    public void link(RepositoryName name, BlobInfo blob, Runnable alsoInTransaction) {
        try {
            linkStored(name, blob, alsoInTransaction);
        } catch (BytesMissing e) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, e.getMessage() + "; upload it again");
        }
    }

    /** Links a blob whose bytes are in the store; {@link BytesMissing} (nothing linked) when they are not. */
    private void linkStored(RepositoryName name, BlobInfo blob, Runnable alsoInTransaction) {
        String digest = blob.digest().toString();
        Retry.onConflict(() -> tx.execute(status -> {
            Instant now = Instant.now();
            QuotaLedger.Held project = quota.lock(name.project());
            long repositoryId = repositories.ensure(name);
            lockBlobRow(digest, blob.size(), now);
            if (store.stat(blob.digest()).isEmpty()) {
                throw new BytesMissing(blob.digest());
            }
            quota.blobLinking(project, digest, blob.size());
            if (blobs.linkIfAbsent(repositoryId, digest, now) == 1) {
                quota.blobLinked(project, repositoryId, blob.size());
                review.blob(digest, now.plus(grace), "linked");
            } else {
                blobs.refreshLink(repositoryId, digest, now);
            }
            alsoInTransaction.run();
            return null;
        }));
    }

    /**
     * Inserts the blob's row when it is missing and holds it with a shared lock until the
     * transaction ends, so garbage collection cannot delete it meanwhile. A collection that
     * deleted it between the insert and the lock is waited out and the row inserted again.
     */
    private void lockBlobRow(String digest, long size, Instant now) {
        // locked first and inserted only when missing: H2 answers a conflicting insert by throwing and catching inside
        boolean locked = lockedBlobRow(digest);
        for (int attempt = 0; !locked && attempt < 3; attempt++) {
            blobs.insertIfAbsent(digest, size, now);
            locked = lockedBlobRow(digest);
        }
        if (!locked) {
            throw new org.springframework.dao.PessimisticLockingFailureException("blob " + digest + " kept disappearing");
        }
    }

    private boolean lockedBlobRow(String digest) {
        return jdbc.sql("SELECT digest FROM blob WHERE digest = ?" + locks.share()).param(digest).query(String.class)
                .optional().isPresent();
    }

    /**
     * Records verified bytes that no repository took (the link was refused, e.g. over the quota),
     * so that garbage collection removes them unless a link comes meanwhile.
     */
    public void abandoned(BlobInfo blob) {
        tx.executeWithoutResult(status -> {
            Instant now = Instant.now();
            blobs.insertIfAbsent(blob.digest().toString(), blob.size(), now);
            review.blob(blob.digest().toString(), now, "refused");
        });
    }

    /**
     * Removes the blob from the repository (its bytes stay until garbage collection); the
     * project's usage drops by its size when this was the project's last link to it.
     */
    public void unlink(RepositoryName name, Digest digest) {
        tx.executeWithoutResult(status -> {
            QuotaLedger.Held project = quota.lock(name.project());
            long repositoryId = repositories.require(name);
            Optional<Long> size = blobs.linkedSize(repositoryId, digest.toString());
            if (size.isEmpty() || blobs.unlink(repositoryId, digest.toString()) == 0) {
                throw unknown(name, digest);
            }
            quota.blobUnlinked(project, repositoryId, digest.toString(), size.get());
            review.blob(digest.toString(), Instant.now(), "unlinked");
            review.repository(repositoryId, Instant.now(), "unlinked");
        });
    }

    /**
     * Cross-repository mount: links {@code digest} into {@code target} when it is linked in
     * {@code from} (or, with no {@code from}, in any repository) that {@code mayRead} allows.
     *
     * @return the mounted blob's size, or empty when the caller must upload the bytes (also when
     *         garbage collection removed them meanwhile); {@code DENIED} when the mount would take
     *         the target's project over its quota
     */
    public Optional<Long> mount(RepositoryName target, Digest digest, RepositoryName from,
                                Predicate<String> mayRead) {
        Optional<Long> size;
        if (from != null) {
            size = mayRead.test(from.value()) ? linkedSize(from, digest) : Optional.empty();
        } else {
            size = blobs.repositoriesLinking(digest.toString()).stream().filter(mayRead).findFirst()
                    .flatMap(source -> linkedSize(source, digest.toString()));
        }
        if (size.isPresent()) {
            try {
                linkStored(target, new BlobInfo(digest, size.get()), () -> { });
            } catch (BytesMissing gone) {
                return Optional.empty();
            }
        }
        return size;
    }

    /** Streams a blob's bytes from {@code offset}; check the link first ({@link #requireLinked}). */
    public InputStream open(Digest digest, long offset) throws IOException {
        return store.open(digest, offset);
    }

    /** The local file of a blob, for zero-copy transfer, when the store keeps one. */
    public Optional<Path> localFile(Digest digest) {
        return store.localFile(digest);
    }

    /** A URL the client may fetch the bytes from directly, when the store offers one. */
    public Optional<URI> redirectUrl(Digest digest, Duration lifetime) {
        return store.redirectUrl(digest, lifetime);
    }
}
