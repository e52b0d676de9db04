package dev.registry.core.artifact.internal;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.gc.GcPolicy;
import dev.registry.core.gc.ReviewQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Repository ids by name. Call inside a transaction.
 *
 * <p>A repository <em>exists</em> (catalog, management API, project deletion) when it holds a
 * manifest. Its row is only the key its blob links and open uploads hang on: {@link #ensure}
 * creates it lazily for an upload, a mount or a manifest push, and queues it for garbage
 * collection, which removes a row with no manifest, no link and no open upload once it is older
 * than the grace ({@code docs/gc-design.md}, "Empty repositories"). So a bare upload start, a push
 * refused for its quota or a mount whose manifest never came leave nothing visible, and the row
 * goes later.
 */
@Component
public class Repositories {

    private final RepositoryEntityRepository repositories;
    private final JdbcClient jdbc;
    private final RowLocks locks;
    private final ReviewQueue review;
    private final Duration grace;

    public Repositories(RepositoryEntityRepository repositories, JdbcClient jdbc, RowLocks locks, ReviewQueue review,
                        GcPolicy gc) {
        this.repositories = repositories;
        this.jdbc = jdbc;
        this.locks = locks;
        this.review = review;
        this.grace = gc.grace();
    }

    public Optional<Long> find(RepositoryName name) {
        return repositories.findIdByName(name.value());
    }

    public long require(RepositoryName name) {
        return find(name).orElseThrow(() ->
                new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + name + " is not known to this registry"));
    }

    /**
     * The repository's id, creating its row when missing. Its project must exist ({@code
     * NAME_UNKNOWN} otherwise): whether a push may create a project is the access layer's decision,
     * made before.
     *
     * <p>The row stays locked ({@link RowLocks#share()}) until the transaction ends, so the
     * collector, which locks it {@code FOR UPDATE} before it checks that the repository is empty,
     * either waits for the link, upload session or manifest this transaction adds, or has deleted
     * the row first (the lock then finds nothing and the row is created again).
     */
    public long ensure(RepositoryName name) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Long> id = locked(name);
            if (id.isPresent()) {
                return id.get();
            }
            long projectId = repositories.findProjectId(name.project()).orElseThrow(() -> new RegistryException(
                    ErrorCode.NAME_UNKNOWN, "project " + name.project() + " does not exist"));
            Instant now = Instant.now();
            if (repositories.insertIfAbsent(name.value(), projectId, now) == 1) {
                long created = locked(name).orElseThrow();
                // kept from here on by QuotaLedger with every manifest and link added or removed
                jdbc.sql("INSERT INTO repository_figures (repository_id, manifests, manifest_bytes, blob_bytes) VALUES (?, 0, 0, 0)")
                        .param(created).update();
                // no manifest may ever come: the collector looks at it once the grace has passed
                review.repository(created, now.plus(grace), "created");
                return created;
            }
        }
        throw new org.springframework.dao.PessimisticLockingFailureException("repository " + name + " kept disappearing");
    }

    private Optional<Long> locked(RepositoryName name) {
        return jdbc.sql("SELECT id FROM repository WHERE name = ?" + locks.share()).param(name.value()).query(Long.class)
                .optional();
    }
}
