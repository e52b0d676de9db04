package dev.registry.core.quota;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A project's storage usage, kept in {@code project_usage} by the transactions that change it,
 * and the figures of each of its repositories, kept in {@code repository_figures} by the same
 * calls. Usage is the sum of the sizes of the distinct blob digests linked in any repository of the
 * project plus the sizes of the project's manifests; a repository's figures are its manifest count,
 * their sizes and the sizes of the blobs linked into it; {@link #recount} computes exactly these from
 * the link and manifest tables. (The repository's row of figures is created with the repository.)
 *
 * <p>Concurrency: every method takes a {@link Held} from {@link #lock}, which locks the project's
 * usage row until the surrounding transaction ends. Pushes and deletions in one project are so
 * serialised (their transactions are short: no bytes stream inside them), which makes "is this
 * digest already linked somewhere in the project?" and "does this fit the quota?" reliable on
 * PostgreSQL and H2 alike at READ COMMITTED. Call {@link #lock} first in the transaction, before
 * any other write, so that lock order is the same everywhere.
 */
@Component
public class QuotaLedger {

    /** A project whose usage row this transaction holds. */
    public record Held(long projectId, String project) {
    }

    private final JdbcClient jdbc;

    public QuotaLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Locks the project's usage for the rest of the transaction; {@code NAME_UNKNOWN} for no such project. */
    public Held lock(String project) {
        long projectId = jdbc.sql("SELECT id FROM project WHERE name = ?").param(project).query(Long.class).optional()
                .orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "project " + project + " does not exist"));
        if (lockUsage(projectId).isEmpty()) {
            // a project created after V8 has no row until its first change; it then holds nothing. Only
            // then is it inserted: H2 answers a conflicting insert by throwing and catching inside
            jdbc.sql("INSERT INTO project_usage (project_id, used_bytes) VALUES (?, 0) ON CONFLICT DO NOTHING")
                    .param(projectId).update();
            lockUsage(projectId).orElseThrow();
        }
        return new Held(projectId, project);
    }

    /**
     * Counts a blob about to be linked into a repository of the project: its size when no
     * repository of the project links it yet, else nothing. {@code DENIED} when that would take
     * the project over its quota.
     */
    public void blobLinking(Held held, String digest, long size) {
        if (!linkedInProject(held, digest)) {
            charge(held, size);
        }
    }

    /** Counts a blob just linked into the repository, which did not link it before, in the repository's figures. */
    public void blobLinked(Held held, long repositoryId, long size) {
        figures(repositoryId, 0, 0, size);
    }

    /**
     * Uncounts a blob just unlinked from a repository (call only when a link was removed): from the project when no
     * repository of the project links it any more, and from the repository's figures.
     */
    public void blobUnlinked(Held held, long repositoryId, String digest, long size) {
        if (!linkedInProject(held, digest)) {
            add(held, -size);
        }
        figures(repositoryId, 0, 0, -size);
    }

    /** Counts a manifest about to be stored (call only when the repository lacks it); {@code DENIED} over the quota. */
    public void manifestAdding(Held held, long repositoryId, long size) {
        charge(held, size);
        figures(repositoryId, 1, size, 0);
    }

    /** Uncounts a manifest just deleted. */
    public void manifestRemoved(Held held, long repositoryId, long size) {
        add(held, -size);
        figures(repositoryId, -1, -size, 0);
    }

    /**
     * Sets the usage and the figures of the project's repositories to what the link and manifest tables say, and
     * returns the usage (after bulk deletions, or to repair).
     */
    public long recount(Held held) {
        jdbc.sql("UPDATE repository_figures SET"
                        + " manifests = (SELECT count(*) FROM manifest m WHERE m.repository_id = repository_figures.repository_id),"
                        + " manifest_bytes = (SELECT COALESCE(sum(m.size), 0) FROM manifest m"
                        + " WHERE m.repository_id = repository_figures.repository_id),"
                        + " blob_bytes = (SELECT COALESCE(sum(b.size), 0) FROM repository_blob l JOIN blob b ON b.digest = l.digest"
                        + " WHERE l.repository_id = repository_figures.repository_id)"
                        + " WHERE repository_id IN (SELECT r.id FROM repository r WHERE r.project_id = ?)")
                .param(held.projectId()).update();
        long used = jdbc.sql("SELECT COALESCE((SELECT SUM(b.size) FROM blob b WHERE b.digest IN ("
                        + " SELECT l.digest FROM repository_blob l JOIN repository r ON r.id = l.repository_id"
                        + " WHERE r.project_id = :p)), 0)"
                        + " + COALESCE((SELECT SUM(m.size) FROM manifest m JOIN repository r ON r.id = m.repository_id"
                        + " WHERE r.project_id = :p), 0)")
                .param("p", held.projectId()).query(Long.class).single();
        jdbc.sql("UPDATE project_usage SET used_bytes = ? WHERE project_id = ?").params(used, held.projectId()).update();
        return used;
    }

    private void figures(long repositoryId, long manifests, long manifestBytes, long blobBytes) {
        if (jdbc.sql("UPDATE repository_figures SET manifests = manifests + ?, manifest_bytes = manifest_bytes + ?,"
                        + " blob_bytes = blob_bytes + ? WHERE repository_id = ?")
                .params(manifests, manifestBytes, blobBytes, repositoryId).update() != 1) {
            throw new IllegalStateException("repository " + repositoryId + " has no row in repository_figures");
        }
    }

    private Optional<Long> lockUsage(long projectId) {
        return jdbc.sql("SELECT used_bytes FROM project_usage WHERE project_id = ? FOR UPDATE").param(projectId)
                .query(Long.class).optional();
    }

    private boolean linkedInProject(Held held, String digest) {
        return jdbc.sql("SELECT count(*) FROM repository_blob l JOIN repository r ON r.id = l.repository_id"
                        + " WHERE r.project_id = ? AND l.digest = ?")
                .params(held.projectId(), digest).query(Long.class).single() > 0;
    }

    private void charge(Held held, long size) {
        if (size <= 0) {
            return;
        }
        long used = jdbc.sql("SELECT used_bytes FROM project_usage WHERE project_id = ?").param(held.projectId())
                .query(Long.class).single();
        Long quota = jdbc.sql("SELECT quota_bytes FROM project WHERE id = ?").param(held.projectId())
                .query(Long.class).optional().orElse(null);
        if (quota != null && used + size > quota) {
            throw new RegistryException(ErrorCode.DENIED, "project " + held.project() + " would use "
                    + ByteSizes.format(used + size) + " of its " + ByteSizes.format(quota) + " quota (it uses "
                    + ByteSizes.format(used) + " now); delete artifacts or ask a system administrator to raise the quota");
        }
        add(held, size);
    }

    private void add(Held held, long delta) {
        jdbc.sql("UPDATE project_usage SET used_bytes = used_bytes + ? WHERE project_id = ?")
                .params(delta, held.projectId()).update();
    }
}
