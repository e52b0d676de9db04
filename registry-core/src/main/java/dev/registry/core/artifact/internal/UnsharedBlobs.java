package dev.registry.core.artifact.internal;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What a manifest deletion frees: the blobs the manifest references that are linked in its
 * repository and that no other manifest of the repository references. Call inside the deleting
 * transaction, under the project's usage lock, before the manifest is deleted.
 */
@Component
public class UnsharedBlobs {

    /** A blob digest and its size. */
    public record Blob(String digest, long size) {
    }

    private final JdbcClient jdbc;

    public UnsharedBlobs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<Blob> referencedOnlyBy(long repositoryId, long manifestId) {
        return jdbc.sql("SELECT b.digest, b.size FROM manifest_reference x"
                        + " JOIN repository_blob l ON l.digest = x.digest AND l.repository_id = :repository"
                        + " JOIN blob b ON b.digest = x.digest"
                        + " WHERE x.manifest_id = :manifest AND x.kind = 'blob'"
                        + " AND NOT EXISTS (SELECT 1 FROM manifest_reference y JOIN manifest n ON n.id = y.manifest_id"
                        + " WHERE n.repository_id = :repository AND n.id <> :manifest AND y.kind = 'blob' AND y.digest = x.digest)")
                .param("repository", repositoryId).param("manifest", manifestId)
                .query((rs, row) -> new Blob(rs.getString(1), rs.getLong(2))).list();
    }

    /**
     * The manifests of the repository that may become garbage when this one goes: its children
     * (index entries) and its referrers (manifests whose subject it is).
     */
    public List<Long> dependents(long repositoryId, long manifestId) {
        return jdbc.sql("SELECT c.id FROM manifest_reference x JOIN manifest c ON c.digest = x.digest AND c.repository_id = :repository"
                        + " WHERE x.manifest_id = :manifest AND x.kind = 'manifest'"
                        + " UNION SELECT r.id FROM manifest r JOIN manifest m ON m.id = :manifest"
                        + " WHERE r.repository_id = :repository AND r.subject_digest = m.digest")
                .param("repository", repositoryId).param("manifest", manifestId).query(Long.class).list();
    }

    public long manifestSize(long manifestId) {
        return jdbc.sql("SELECT size FROM manifest WHERE id = ?").param(manifestId).query(Long.class).single();
    }
}
