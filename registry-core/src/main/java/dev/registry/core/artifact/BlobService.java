package dev.registry.core.artifact;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.internal.BlobEntityRepository;
import dev.registry.core.artifact.internal.Repositories;
import dev.registry.core.artifact.internal.Retry;
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
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Which repository may see which blob. Bytes are stored once for the whole registry; a blob is
 * reachable in a repository only through a link row, so a digest alone never grants access
 * across repositories.
 */
@Service
public class BlobService {

    private final BlobEntityRepository blobs;
    private final Repositories repositories;
    private final TransactionTemplate tx;
    private final BlobStore store;
    private final QuotaLedger quota;

    public BlobService(BlobEntityRepository blobs, Repositories repositories, TransactionTemplate tx, BlobStore store,
                       QuotaLedger quota) {
        this.store = store;
        this.quota = quota;
        this.blobs = blobs;
        this.repositories = repositories;
        this.tx = tx;
    }

    /** The size of a blob linked in the repository, or empty. */
    public Optional<Long> linkedSize(RepositoryName name, Digest digest) {
        return blobs.linkedSize(name.value(), digest.toString());
    }

    /** Like {@link #linkedSize} but refuses with {@code BLOB_UNKNOWN}. */
    public long requireLinked(RepositoryName name, Digest digest) {
        return linkedSize(name, digest).orElseThrow(() ->
                new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not in repository " + name));
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
        Retry.onConflict(() -> tx.execute(status -> {
            Instant now = Instant.now();
            QuotaLedger.Held project = quota.lock(name.project());
            long repositoryId = repositories.ensure(name);
            blobs.insertIfAbsent(blob.digest().toString(), blob.size(), now);
            quota.blobLinking(project, blob.digest().toString(), blob.size());
            blobs.linkIfAbsent(repositoryId, blob.digest().toString(), now);
            alsoInTransaction.run();
            return null;
        }));
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
                throw new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not in repository " + name);
            }
            quota.blobUnlinked(project, digest.toString(), size.get());
        });
    }

    /**
     * Cross-repository mount: links {@code digest} into {@code target} when it is linked in
     * {@code from} (or, with no {@code from}, in any repository) that {@code mayRead} allows.
     *
     * @return the mounted blob's size, or empty when the caller must upload the bytes; {@code DENIED}
     *         when the mount would take the target's project over its quota
     */
    public Optional<Long> mount(RepositoryName target, Digest digest, RepositoryName from,
                                Predicate<String> mayRead) {
        Optional<Long> size;
        if (from != null) {
            size = mayRead.test(from.value()) ? linkedSize(from, digest) : Optional.empty();
        } else {
            size = blobs.repositoriesLinking(digest.toString()).stream().filter(mayRead).findFirst()
                    .flatMap(source -> blobs.linkedSize(source, digest.toString()));
        }
        size.ifPresent(s -> link(target, new BlobInfo(digest, s)));
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
