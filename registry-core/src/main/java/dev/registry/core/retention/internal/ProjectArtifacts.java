package dev.registry.core.retention.internal;

import dev.registry.core.immutability.DoublestarPattern;
import dev.registry.core.immutability.ImmutabilityRule;
import dev.registry.core.retention.Candidate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reads what retention sees of a project's artifacts in three queries (manifests, tags, index
 * children) and marks the tags the given immutability rules protect. {@code fullNames} receives
 * path inside the project → repository name.
 */
public final class ProjectArtifacts {

    private ProjectArtifacts() {
    }

    public static List<Candidate> read(JdbcClient jdbc, long projectId, String project, List<ImmutabilityRule> rules,
                                Map<String, String> fullNames) {
        record Row(long id, String repository, String digest, Instant pushedAt, Instant pulledAt, String subject) {
        }
        List<Row> rows = jdbc.sql("SELECT m.id, r.name, m.digest, m.pushed_at, m.pulled_at, m.subject_digest FROM manifest m"
                        + " JOIN repository r ON r.id = m.repository_id WHERE r.project_id = ?")
                .param(projectId)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(),
                        Optional.ofNullable(rs.getObject(5, OffsetDateTime.class)).map(OffsetDateTime::toInstant).orElse(null),
                        rs.getString(6)))
                .list();
        Map<Long, List<String>> tags = new HashMap<>();
        jdbc.sql("SELECT t.manifest_id, t.name FROM tag t JOIN repository r ON r.id = t.repository_id"
                        + " WHERE r.project_id = ? ORDER BY t.name").param(projectId)
                .query(rs -> {
                    tags.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                });
        Map<Long, List<String>> children = new HashMap<>();
        jdbc.sql("SELECT x.manifest_id, x.digest FROM manifest_reference x JOIN manifest m ON m.id = x.manifest_id"
                        + " JOIN repository r ON r.id = m.repository_id WHERE r.project_id = ? AND x.kind = 'manifest'")
                .param(projectId)
                .query(rs -> {
                    children.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                });
        List<Candidate> candidates = new ArrayList<>();
        for (Row row : rows) {
            String path = row.repository().startsWith(project + "/")
                    ? row.repository().substring(project.length() + 1) : row.repository();
            fullNames.put(path, row.repository());
            List<String> tagged = tags.getOrDefault(row.id(), List.of());
            List<String> immutable = tagged.stream().filter(tag -> rules.stream().anyMatch(rule ->
                    DoublestarPattern.compile(rule.repositoryPattern(), "repositoryPattern").matches(path)
                            && DoublestarPattern.compile(rule.tagPattern(), "tagPattern").matches(tag))).toList();
            candidates.add(new Candidate(path, row.digest(), tagged, immutable, row.pushedAt(), row.pulledAt(),
                    row.subject(), children.getOrDefault(row.id(), List.of())));
        }
        return candidates;
    }
}
