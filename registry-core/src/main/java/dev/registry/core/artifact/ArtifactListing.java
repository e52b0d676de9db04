package dev.registry.core.artifact;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Read-only listings of repositories and artifacts with their sizes, for the management API (the
 * distribution API's listings are {@link ArtifactService#catalog} and {@link ArtifactService#tags}).
 * Pages are offset based; each page is a fixed number of queries, whatever its size.
 */
@Service
public class ArtifactListing {

    private final JdbcClient jdbc;

    public ArtifactListing(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The project's repositories by name: those holding a manifest. A row without one (an upload
     * or mount whose manifest never came, or whose manifests were all deleted) is no repository
     * yet; garbage collection removes it.
     */
    @Transactional(readOnly = true)
    public List<RepositorySummary> repositories(long projectId, long offset, int limit) {
        return jdbc.sql("""
                        SELECT r.name,
                          (SELECT count(*) FROM manifest m WHERE m.repository_id = r.id),
                          (SELECT COALESCE(sum(m.size), 0) FROM manifest m WHERE m.repository_id = r.id)
                            + (SELECT COALESCE(sum(b.size), 0) FROM repository_blob l JOIN blob b ON b.digest = l.digest
                               WHERE l.repository_id = r.id),
                          (SELECT max(m.pushed_at) FROM manifest m WHERE m.repository_id = r.id)
                        FROM repository r WHERE r.project_id = ?
                          AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id)
                        ORDER BY r.name LIMIT ? OFFSET ?""")
                .params(projectId, limit, offset)
                .query((rs, n) -> new RepositorySummary(rs.getString(1), rs.getLong(2), rs.getLong(3),
                        instant(rs.getObject(4, OffsetDateTime.class))))
                .list();
    }

    @Transactional(readOnly = true)
    public long countRepositories(long projectId) {
        return jdbc.sql("SELECT count(*) FROM repository r WHERE r.project_id = ?"
                + " AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id)").param(projectId).query(Long.class).single();
    }

    /** The repository's artifacts, newest first; {@code NAME_UNKNOWN} when the repository does not exist (has no manifest). */
    @Transactional(readOnly = true)
    public List<ArtifactSummary> artifacts(RepositoryName repository, long offset, int limit) {
        long repositoryId = repositoryId(repository);
        record Row(long id, String digest, String mediaType, String artifactType, long size, Instant pushedAt) {
        }
        List<Row> rows = jdbc.sql("""
                        SELECT m.id, m.digest, m.media_type, m.artifact_type,
                          m.size + (SELECT COALESCE(sum(b.size), 0) FROM manifest_reference x JOIN blob b ON b.digest = x.digest
                                    WHERE x.manifest_id = m.id AND x.kind = 'blob'),
                          m.pushed_at
                        FROM manifest m WHERE m.repository_id = ? ORDER BY m.pushed_at DESC, m.id DESC LIMIT ? OFFSET ?""")
                .params(repositoryId, limit, offset)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        instant(rs.getObject(6, OffsetDateTime.class))))
                .list();
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<Long, List<String>> tags = new LinkedHashMap<>();
        jdbc.sql("SELECT manifest_id, name FROM tag WHERE manifest_id IN (:ids) ORDER BY name")
                .param("ids", rows.stream().map(Row::id).toList())
                .query((rs, n) -> Map.entry(rs.getLong(1), rs.getString(2))).list()
                .forEach(t -> tags.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(t.getValue()));
        return rows.stream().map(r -> new ArtifactSummary(r.digest(), r.mediaType(), r.artifactType(), r.size(), r.pushedAt(),
                List.copyOf(tags.getOrDefault(r.id(), List.of())))).toList();
    }

    @Transactional(readOnly = true)
    public long countArtifacts(RepositoryName repository) {
        return jdbc.sql("SELECT count(*) FROM manifest WHERE repository_id = ?").param(repositoryId(repository))
                .query(Long.class).single();
    }

    private long repositoryId(RepositoryName repository) {
        return jdbc.sql("SELECT r.id FROM repository r WHERE r.name = ?"
                        + " AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id)")
                .param(repository.value()).query(Long.class).optional()
                .orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + repository + " does not exist"));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
