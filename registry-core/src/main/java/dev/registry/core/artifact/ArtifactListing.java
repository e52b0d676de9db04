package dev.registry.core.artifact;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.internal.AccessoryLinks;
import dev.registry.core.artifact.internal.ManifestFields;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.RowMapper;
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
        // the page's repositories first, then their figures: the figures of the rows the page leaves out are never computed
        return jdbc.sql("SELECT " + SUMMARY_COLUMNS + " FROM (SELECT r.id, r.name FROM repository r WHERE r.project_id = ?"
                        + " AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id) ORDER BY r.name LIMIT ? OFFSET ?) r"
                        + " ORDER BY r.name")
                .params(projectId, limit, offset)
                .query(SUMMARY)
                .list();
    }

    /** {@link #countRepositories(long)} of each project, in one query (for a page of projects); absent: none. */
    @Transactional(readOnly = true)
    public Map<Long, Long> countRepositories(java.util.Collection<Long> projectIds) {
        if (projectIds.isEmpty()) {
            return Map.of();
        }
        Map<Long, Long> counts = new HashMap<>();
        jdbc.sql("SELECT r.project_id, count(*) FROM repository r WHERE r.project_id IN (:projects)"
                        + " AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id) GROUP BY r.project_id")
                .param("projects", projectIds)
                .query((rs, n) -> counts.put(rs.getLong(1), rs.getLong(2))).list();
        return counts;
    }

    @Transactional(readOnly = true)
    public long countRepositories(long projectId) {
        return jdbc.sql("SELECT count(*) FROM repository r WHERE r.project_id = ?"
                + " AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id)").param(projectId).query(Long.class).single();
    }


    /**
     * When a manifest of each of these repositories was last pulled ({@code manifest.pulled_at}, recorded by
     * {@link PullTimes}), in one query; absent: never pulled since pulls were recorded. The registry keeps no pull
     * count per repository or artifact (the audit log counts pulls per caller, repository and hour).
     */
    @Transactional(readOnly = true)
    public Map<String, Instant> lastPulled(java.util.Collection<String> repositoryNames) {
        if (repositoryNames.isEmpty()) {
            return Map.of();
        }
        Map<String, Instant> pulled = new HashMap<>();
        jdbc.sql("SELECT r.name, max(m.pulled_at) FROM repository r JOIN manifest m ON m.repository_id = r.id"
                        + " WHERE r.name IN (:names) AND m.pulled_at IS NOT NULL GROUP BY r.name")
                .param("names", repositoryNames)
                .query((rs, n) -> pulled.put(rs.getString(1), instant(rs.getObject(2, OffsetDateTime.class)))).list();
        return pulled;
    }

    /** When each of these manifests of the repository was last pulled, in one query; absent: never (as {@link #lastPulled}). */
    @Transactional(readOnly = true)
    public Map<String, Instant> lastPulled(RepositoryName repository, java.util.Collection<String> digests) {
        if (digests.isEmpty()) {
            return Map.of();
        }
        Map<String, Instant> pulled = new HashMap<>();
        jdbc.sql("SELECT m.digest, m.pulled_at FROM manifest m JOIN repository r ON r.id = m.repository_id"
                        + " WHERE r.name = :name AND m.digest IN (:digests) AND m.pulled_at IS NOT NULL")
                .param("name", repository.value()).param("digests", digests)
                .query((rs, n) -> pulled.put(rs.getString(1), instant(rs.getObject(2, OffsetDateTime.class)))).list();
        return pulled;
    }

    /**
     * What deleting a repository takes: its artifacts as {@link #artifacts} lists them, every manifest (index
     * children and accessories too) and its tags. {@code NAME_UNKNOWN} when it does not exist.
     */
    public record Contents(long artifacts, long manifests, long tags) {
    }

    @Transactional(readOnly = true)
    public Contents contents(RepositoryName repository) {
        long repositoryId = repositoryId(repository);
        return jdbc.sql("SELECT (SELECT count(*) FROM manifest m WHERE m.repository_id = :id AND " + TOP_LEVEL + "),"
                        + " (SELECT count(*) FROM manifest m WHERE m.repository_id = :id),"
                        + " (SELECT count(*) FROM tag t WHERE t.repository_id = :id)")
                .param("id", repositoryId)
                .query((rs, n) -> new Contents(rs.getLong(1), rs.getLong(2), rs.getLong(3))).single();
    }

    private static final RowMapper<RepositorySummary> SUMMARY = (rs, n) -> new RepositorySummary(rs.getString(1), rs.getLong(2),
            rs.getLong(3), instant(rs.getObject(4, OffsetDateTime.class)));

    /** One page of a search: its items and how many match in all. */
    public record SearchPage<T>(List<T> items, long total) {
    }

    /**
     * Names of repositories (holding a manifest) whose name contains {@code term}, case-insensitively
     * ({@code %} and {@code _} literal), in the projects {@code projectIds} ({@code null}: every
     * project), by name, one page paged in the database. For {@code docker search} ({@code GET /v1/search}).
     */
    @Transactional(readOnly = true)
    public SearchPage<String> search(String term, List<Long> projectIds, long offset, int limit) {
        return search(term, projectIds, offset, limit, "r.name", (rs, n) -> rs.getString(1));
    }

    /**
     * The repositories {@link #search} finds, as {@link #repositories} shows them. For the
     * management API's search ({@code GET /api/v1/search}).
     */
    @Transactional(readOnly = true)
    public SearchPage<RepositorySummary> searchRepositories(String term, List<Long> projectIds, long offset, int limit) {
        return search(term, projectIds, offset, limit, SUMMARY_COLUMNS, SUMMARY);
    }

    private <T> SearchPage<T> search(String term, List<Long> projectIds, long offset, int limit, String columns, RowMapper<T> rows) {
        if (projectIds != null && projectIds.isEmpty()) {
            return new SearchPage<>(List.of(), 0);
        }
        String pattern = "%" + term.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        String where = " FROM repository r WHERE LOWER(r.name) LIKE :pattern ESCAPE '!'"
                + (projectIds == null ? "" : " AND r.project_id IN (:projects)")
                + " AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id)";
        Map<String, Object> params = new HashMap<>();
        params.put("pattern", pattern);
        if (projectIds != null) {
            params.put("projects", projectIds);
        }
        long total = jdbc.sql("SELECT count(*)" + where).params(params).query(Long.class).single();
        params.put("limit", limit);
        params.put("offset", offset);
        List<T> items = total <= offset ? List.of()
                : jdbc.sql("SELECT " + columns + " FROM (SELECT r.id, r.name" + where + " ORDER BY r.name LIMIT :limit OFFSET :offset) r"
                        + " ORDER BY r.name").params(params)
                        .query(rows).list();
        return new SearchPage<>(items, total);
    }

    /**
     * The repository's artifacts, newest first; {@code NAME_UNKNOWN} when the repository does not
     * exist (has no manifest). A manifest that an index of the repository lists is shown under that index (in its
     * {@code references}, with its platform), not on its own, as Harbor does.
     */
    @Transactional(readOnly = true)
    public List<ArtifactSummary> artifacts(RepositoryName repository, long offset, int limit) {
        long repositoryId = repositoryId(repository);
        return summaries(repositoryId, " AND " + TOP_LEVEL + " ORDER BY m.pushed_at DESC, m.id DESC LIMIT ? OFFSET ?",
                List.of(repositoryId, limit, offset));
    }

    /** Artifacts {@link #artifacts} lists: those no index of the repository lists. */
    @Transactional(readOnly = true)
    public long countArtifacts(RepositoryName repository) {
        return jdbc.sql("SELECT count(*) FROM manifest m WHERE m.repository_id = ? AND " + TOP_LEVEL).param(repositoryId(repository))
                .query(Long.class).single();
    }

    /**
     * One artifact of the repository by digest (an index's child too) or by a tag pointing at it,
     * as {@link #artifacts} shows it; {@code NAME_UNKNOWN} when the repository does not exist,
     * {@code MANIFEST_UNKNOWN} when the artifact is not in it.
     */
    @Transactional(readOnly = true)
    public ArtifactSummary artifact(RepositoryName repository, Reference reference) {
        long repositoryId = repositoryId(repository);
        List<ArtifactSummary> found = reference.isTag()
                ? summaries(repositoryId, " AND m.id = (SELECT t.manifest_id FROM tag t WHERE t.repository_id = ? AND t.name = ?)",
                        List.of(repositoryId, repositoryId, reference.tag()))
                : summaries(repositoryId, " AND m.digest = ?", List.of(repositoryId, reference.digest().toString()));
        return found.stream().findFirst().orElseThrow(() -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN,
                (reference.isTag() ? "tag " : "artifact ") + reference + " is not in repository " + repository));
    }

    /**
     * Not listed by an index of the same repository (a child is shown under its index), and no
     * accessory of a manifest of the repository (shown under its subject, {@link Accessory}).
     */
    /**
     * SQL: the manifest {@code m} is a top-level artifact: no index of its repository lists it, and it is no accessory.
     * The references naming its digest are found first (index {@code manifest_reference_digest}) and their manifest
     * by its key: as a join H2 may walk every manifest of the repository for each manifest counted (10,000 tags:
     * 10^8 rows for one count).
     */
    private static final String TOP_LEVEL = "NOT EXISTS (SELECT 1 FROM manifest_reference x WHERE x.digest = m.digest"
            + " AND x.kind = 'manifest' AND EXISTS (SELECT 1 FROM manifest p WHERE p.id = x.manifest_id"
            + " AND p.repository_id = m.repository_id)) AND NOT " + AccessoryLinks.IS_ACCESSORY;

    /**
     * What {@link #repositories} shows of repository {@code r}: name, artifact count (top-level artifacts: no index
     * children, no accessories), size, last push.
     */
    private static final String SUMMARY_COLUMNS = "r.name,"
            + " (SELECT count(*) FROM manifest m WHERE m.repository_id = r.id AND " + TOP_LEVEL + "),"
            + " (SELECT COALESCE(sum(m.size), 0) FROM manifest m WHERE m.repository_id = r.id)"
            + " + (SELECT COALESCE(sum(b.size), 0) FROM repository_blob l JOIN blob b ON b.digest = l.digest"
            + " WHERE l.repository_id = r.id),"
            + " (SELECT max(m.pushed_at) FROM manifest m WHERE m.repository_id = r.id)";

    private static final String SIZE = "m.size + (SELECT COALESCE(sum(b.size), 0) FROM manifest_reference x JOIN blob b"
            + " ON b.digest = x.digest WHERE x.manifest_id = m.id AND x.kind = 'blob')";

    private record Row(long id, String digest, String mediaType, String artifactType, long size, Instant pushedAt, byte[] content) {

        /** Its own artifact type, else (an image without a stored one) its config's media type; null for an index without one. */
        String effectiveArtifactType() {
            return artifactType != null || MediaTypes.INDEXES.contains(mediaType) ? artifactType : ManifestFields.configMediaType(content);
        }
    }

    private static final String ROW_COLUMNS = "m.id, m.digest, m.media_type, m.artifact_type, " + SIZE + ", m.pushed_at,"
            + " CASE WHEN m.artifact_type IS NULL OR m.media_type IN ('" + MediaTypes.OCI_INDEX + "', '"
            + MediaTypes.DOCKER_MANIFEST_LIST + "') THEN m.content END";

    private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                instant(rs.getObject(6, OffsetDateTime.class)), rs.getBytes(7));
    }

    /**
     * The artifacts of {@code repositoryId} that {@code condition} selects, with their tags,
     * for an index its references, and their accessories: a fixed number of queries whatever the
     * page's size. Only the content of indexes and of manifests pushed without a stored artifact
     * type (Docker images pushed before it was stored for them) is read, to take their platforms
     * or config media type.
     */
    private List<ArtifactSummary> summaries(long repositoryId, String condition, List<Object> params) {
        List<Row> rows = jdbc.sql("SELECT " + ROW_COLUMNS + " FROM manifest m WHERE m.repository_id = ?" + condition)
                .params(params)
                .query((rs, n) -> row(rs))
                .list();
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Attached> attached = accessories(repositoryId, rows.stream().map(Row::digest).toList());
        Map<Long, List<String>> tags = new LinkedHashMap<>();
        jdbc.sql("SELECT manifest_id, name FROM tag WHERE manifest_id IN (:ids) ORDER BY name")
                .param("ids", java.util.stream.Stream.concat(rows.stream().map(Row::id), attached.stream().map(a -> a.row().id()))
                        .distinct().toList())
                .query((rs, n) -> Map.entry(rs.getLong(1), rs.getString(2))).list()
                .forEach(t -> tags.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(t.getValue()));
        Map<String, List<Accessory>> accessories = new HashMap<>();
        for (Attached a : attached) {
            Row r = a.row();
            accessories.computeIfAbsent(a.subject(), k -> new ArrayList<>()).add(new Accessory(r.digest(), r.mediaType(),
                    r.effectiveArtifactType(), a.tag() != null ? Accessory.typeOfTag(a.tag()) : Accessory.type(r.effectiveArtifactType()),
                    a.tag() != null ? Accessory.BY_TAG : Accessory.BY_SUBJECT, r.size(), r.pushedAt(),
                    tags.getOrDefault(r.id(), List.of())));
        }
        Map<Long, List<ArtifactReference>> references = new LinkedHashMap<>();
        for (Row row : rows) {
            if (MediaTypes.INDEXES.contains(row.mediaType()) && row.content() != null) {
                references.put(row.id(), ManifestFields.references(row.content()));
            }
        }
        Map<String, Long> childSizes = childSizes(repositoryId, references.values().stream().flatMap(List::stream)
                .map(ArtifactReference::digest).distinct().toList());
        return rows.stream().map(r -> new ArtifactSummary(r.digest(), r.mediaType(), r.effectiveArtifactType(),
                r.size(), r.pushedAt(), List.copyOf(tags.getOrDefault(r.id(), List.of())),
                references.getOrDefault(r.id(), List.of()).stream().map(ref -> new ArtifactReference(ref.digest(), ref.mediaType(),
                        childSizes.get(ref.digest()), ref.platform())).toList(),
                List.copyOf(accessories.getOrDefault(r.digest(), List.of())))).toList();
    }

    /** A manifest attached to {@code subject}: by its subject field ({@code tag} null) or by the cosign tag {@code tag}. */
    private record Attached(String subject, String tag, Row row) {
    }

    /**
     * The accessories of the manifests with these digests, in one query: the manifests whose
     * subject is one of them, and those with a cosign attachment tag naming one of them (looked
     * up by the tag's exact name). A manifest attached both ways is listed once, as a referrer.
     * Newest first.
     */
    private List<Attached> accessories(long repositoryId, List<String> subjects) {
        List<String> names = subjects.stream().flatMap(d -> Accessory.tagsFor(d).stream()).toList();
        Map<String, Object> params = new HashMap<>();
        params.put("repository", repositoryId);
        params.put("subjects", subjects);
        String sql = "SELECT " + ROW_COLUMNS + ", m.subject_digest, CAST(NULL AS VARCHAR(128))"
                + " FROM manifest m WHERE m.repository_id = :repository AND m.subject_digest IN (:subjects)";
        if (!names.isEmpty()) {
            params.put("names", names);
            sql += " UNION ALL SELECT " + ROW_COLUMNS + ", CAST(NULL AS VARCHAR(200)), t.name"
                    + " FROM tag t JOIN manifest m ON m.id = t.manifest_id WHERE t.repository_id = :repository AND t.name IN (:names)";
        }
        List<Attached> found = jdbc.sql(sql).params(params)
                .query((rs, n) -> new Attached(rs.getString(8) != null ? rs.getString(8)
                        : Accessory.subjectOfTag(rs.getString(9)).orElseThrow(), rs.getString(9), row(rs)))
                .list();
        Map<String, Attached> unique = new LinkedHashMap<>();
        found.stream().filter(a -> !a.subject().equals(a.row().digest()))
                .sorted(java.util.Comparator.comparing((Attached a) -> a.row().pushedAt()).reversed()
                        .thenComparing(a -> -a.row().id()))
                .forEach(a -> unique.merge(a.subject() + " " + a.row().id(), a, (first, second) -> first.tag() == null ? first : second));
        return List.copyOf(unique.values());
    }

    /** The sizes (as artifacts) of the manifests with these digests in the repository. */
    private Map<String, Long> childSizes(long repositoryId, List<String> digests) {
        if (digests.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> sizes = new HashMap<>();
        jdbc.sql("SELECT m.digest, " + SIZE + " FROM manifest m WHERE m.repository_id = :repository AND m.digest IN (:digests)")
                .param("repository", repositoryId).param("digests", digests)
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list()
                .forEach(e -> sizes.put(e.getKey(), e.getValue()));
        return sizes;
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
