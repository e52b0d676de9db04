package dev.registry.core.artifact;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.internal.AccessoryLinks;
import dev.registry.core.artifact.internal.ManifestFields;
import dev.registry.core.jpa.Like;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
        // ORDER BY the columns of repository_project_name (the constant project first): H2 walks it in order and stops at the page's end
        return summaries(jdbc.sql("SELECT " + SUMMARY_COLUMNS + " FROM (SELECT r.id, r.name FROM repository r WHERE r.project_id = ?"
                        + " AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id) ORDER BY r.project_id, r.name LIMIT ? OFFSET ?) r"
                        + " ORDER BY r.name")
                .params(projectId, limit, offset)
                .query(SUMMARY)
                .list());
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
     * When a manifest of each of these repositories was last pulled ({@code repository_pulled}, recorded by
     * {@link PullTimes} with the manifests' own times), in one query; absent: never pulled since pulls were recorded. The registry keeps no pull
     * count per repository or artifact (the audit log counts pulls per caller, repository and hour).
     */
    @Transactional(readOnly = true)
    public Map<String, Instant> lastPulled(java.util.Collection<String> repositoryNames) {
        if (repositoryNames.isEmpty()) {
            return Map.of();
        }
        Map<String, Instant> pulled = new HashMap<>();
        jdbc.sql("SELECT r.name, p.pulled_at FROM repository r JOIN repository_pulled p ON p.repository_id = r.id"
                        + " WHERE r.name IN (:names)")
                .param("names", repositoryNames)
                .query((rs, n) -> {
                    OffsetDateTime at = rs.getObject(2, OffsetDateTime.class);
                    return at == null ? null : pulled.put(rs.getString(1), instant(at));
                }).list();
        return pulled;
    }

    /** When each of these manifests of the repository was last pulled, in one query; absent: never (as {@link #lastPulled}). */
    @Transactional(readOnly = true)
    public Map<String, Instant> lastPulled(RepositoryName repository, java.util.Collection<String> digests) {
        if (digests.isEmpty()) {
            return Map.of();
        }
        Map<String, Instant> pulled = new HashMap<>();
        jdbc.sql("SELECT m.digest, m.pulled_at FROM " + values("digests") + " JOIN manifest m ON m.repository_id ="
                        + " (SELECT r.id FROM repository r WHERE r.name = :name) AND m.digest = v.d WHERE m.pulled_at IS NOT NULL")
                .param("name", repository.value()).param("digests", rows(digests))
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
        long manifests = countManifests(repositoryId);
        long tags = jdbc.sql("SELECT count(*) FROM tag t WHERE t.repository_id = ?").param(repositoryId).query(Long.class).single();
        return new Contents(manifests - notTopLevel(List.of(repositoryId)).get(repositoryId).size(), manifests, tags);
    }

    /** A repository's row of {@link #SUMMARY_COLUMNS}: every manifest counted; {@link #summaries} leaves the artifacts. */
    private record SummaryRow(long id, String name, long manifests, long size, Instant lastPushedAt) {
    }

    private static final RowMapper<SummaryRow> SUMMARY = (rs, n) -> new SummaryRow(rs.getLong(1), rs.getString(2), rs.getLong(3),
            rs.getLong(4), instant(rs.getObject(5, OffsetDateTime.class)));

    /** The repositories as listed: their manifests less those that are no artifact of their own (one query for them all). */
    private List<RepositorySummary> summaries(List<SummaryRow> rows) {
        Map<Long, Set<Long>> hidden = notTopLevel(rows.stream().map(SummaryRow::id).toList());
        return rows.stream().map(r -> new RepositorySummary(r.name(), r.manifests() - hidden.get(r.id()).size(), r.size(),
                r.lastPushedAt())).toList();
    }

    /** One page of a list (a search's, a repository's artifacts): its items and how many there are in all. */
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
        SearchPage<SummaryRow> found = search(term, projectIds, offset, limit, SUMMARY_COLUMNS, SUMMARY);
        return new SearchPage<>(summaries(found.items()), found.total());
    }

    private <T> SearchPage<T> search(String term, List<Long> projectIds, long offset, int limit, String columns, RowMapper<T> rows) {
        if (projectIds != null && projectIds.isEmpty()) {
            return new SearchPage<>(List.of(), 0);
        }
        String pattern = Like.containing(term.toLowerCase(Locale.ROOT));
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
     * One page of the repository's artifacts, newest first, and how many it has; {@code NAME_UNKNOWN} when the repository
     * does not exist (has no manifest). A manifest that an index of the repository lists is shown under that index (in its
     * {@code references}, with its platform), not on its own, as Harbor does; an accessory under its subject.
     */
    @Transactional(readOnly = true)
    public SearchPage<ArtifactSummary> artifacts(RepositoryName repository, long offset, int limit) {
        long repositoryId = repositoryId(repository);
        Set<Long> hidden = notTopLevel(List.of(repositoryId)).get(repositoryId);
        long total = countManifests(repositoryId) - hidden.size();
        if (total <= offset) {
            return new SearchPage<>(List.of(), total);
        }
        // newest first along the index manifest_newest (ORDER BY its columns, the constant repository first, or H2 sorts every
        // manifest of the repository), only as far as the page needs; the hidden ones are skipped here
        List<Long> ids = jdbc.sql("SELECT m.id FROM manifest m WHERE m.repository_id = ?"
                        + " ORDER BY m.repository_id, m.pushed_at DESC, m.id DESC LIMIT ?")
                .params(repositoryId, offset + limit + hidden.size())
                .query(Long.class).list().stream()
                .filter(id -> !hidden.contains(id)).skip(offset).limit(limit).toList();
        return new SearchPage<>(ids.isEmpty() ? List.of()
                : summaries(repositoryId, " AND m.id IN (:ids) ORDER BY m.pushed_at DESC, m.id DESC", Map.of("ids", ids)), total);
    }

    /** Every manifest of the repository, index children and accessories too (kept in {@code repository_figures} by QuotaLedger). */
    private long countManifests(long repositoryId) {
        return jdbc.sql("SELECT manifests FROM repository_figures WHERE repository_id = ?").param(repositoryId).query(Long.class)
                .optional().orElse(0L);
    }

    /**
     * The manifests of each of these repositories that are no artifact of their own, in three small queries whatever
     * their number (each kept by H2 once parsed): those an index of the repository lists (shown under it) and
     * accessories (shown under their subject). Each is found from what makes it so (the repository's indexes by the
     * index {@code manifest_media}, then their references), so the cost follows their number, not
     * the repository's size: counting and paging the rest needs no test of every manifest (10,000 tags: 45 ms per
     * count on H2 as a {@code NOT EXISTS} per manifest).
     */
    private Map<Long, Set<Long>> notTopLevel(List<Long> repositoryIds) {
        Map<Long, Set<Long>> hidden = new HashMap<>();
        repositoryIds.forEach(id -> hidden.put(id, new HashSet<>()));
        if (repositoryIds.isEmpty()) {
            return hidden;
        }
        RowMapper<Boolean> add = (rs, n) -> hidden.get(rs.getLong(1)).add(rs.getLong(2));
        jdbc.sql("SELECT c.repository_id, c.id FROM manifest p JOIN manifest_reference x ON x.manifest_id = p.id AND x.kind = 'manifest'"
                        + " JOIN manifest c ON c.repository_id = p.repository_id AND c.digest = x.digest"
                        + " WHERE p.media_type IN ('" + MediaTypes.OCI_INDEX + "', '" + MediaTypes.DOCKER_MANIFEST_LIST + "')"
                        + " AND p.repository_id IN (:repositories)")
                .param("repositories", repositoryIds).query(add).list();
        jdbc.sql(AccessoryLinks.ACCESSORIES_BY_SUBJECT).param("repositories", repositoryIds).query(add).list();
        jdbc.sql(AccessoryLinks.ACCESSORIES_BY_TAG).param("repositoryRows", repositoryIds.stream().map(id -> new Object[] {id}).toList())
                .query(add).list();
        return hidden;
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
                ? summaries(repositoryId, " AND m.id = (SELECT t.manifest_id FROM tag t WHERE t.repository_id = :repository AND t.name = :tag)",
                        Map.of("tag", reference.tag()))
                : summaries(repositoryId, " AND m.digest = :digest", Map.of("digest", reference.digest().toString()));
        return found.stream().findFirst().orElseThrow(() -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN,
                (reference.isTag() ? "tag " : "artifact ") + reference + " is not in repository " + repository));
    }

    /**
     * What {@link #repositories} shows of repository {@code r}: id, name, manifest count ({@link #summaries} leaves the
     * artifacts: no index children, no accessories), size (its manifests and the blobs linked into it; both kept in
     * {@code repository_figures} by QuotaLedger), last push (along the index {@code manifest_newest}).
     */
    private static final String SUMMARY_COLUMNS = "r.id, r.name,"
            + " (SELECT f.manifests FROM repository_figures f WHERE f.repository_id = r.id),"
            + " (SELECT f.manifest_bytes + f.blob_bytes FROM repository_figures f WHERE f.repository_id = r.id),"
            + " (SELECT m.pushed_at FROM manifest m WHERE m.repository_id = r.id ORDER BY m.repository_id, m.pushed_at DESC LIMIT 1)";

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
    private List<ArtifactSummary> summaries(long repositoryId, String condition, Map<String, ?> params) {
        List<Row> rows = jdbc.sql("SELECT " + ROW_COLUMNS + " FROM manifest m WHERE m.repository_id = :repository" + condition)
                .param("repository", repositoryId).params(params)
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
        params.put("subjects", rows(subjects));
        String sql = "SELECT " + ROW_COLUMNS + ", m.subject_digest, CAST(NULL AS VARCHAR(128))"
                + " FROM " + values("subjects") + " JOIN manifest m ON m.repository_id = :repository AND m.subject_digest = v.d";
        if (!names.isEmpty()) {
            params.put("names", rows(names));
            sql += " UNION ALL SELECT " + ROW_COLUMNS + ", CAST(NULL AS VARCHAR(200)), t.name FROM " + values("names")
                    + " JOIN tag t ON t.repository_id = :repository AND t.name = v.d JOIN manifest m ON m.id = t.manifest_id";
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
        jdbc.sql("SELECT m.digest, " + SIZE + " FROM " + values("digests") + " JOIN manifest m ON m.repository_id = :repository"
                        + " AND m.digest = v.d")
                .param("repository", repositoryId).param("digests", rows(digests))
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list()
                .forEach(e -> sizes.put(e.getKey(), e.getValue()));
        return sizes;
    }

    /** The repository exists: it holds a manifest (as everything here that answers {@code NAME_UNKNOWN} decides). */
    @Transactional(readOnly = true)
    public boolean exists(RepositoryName repository) {
        return repositoryIdIfAny(repository).isPresent();
    }

    private Optional<Long> repositoryIdIfAny(RepositoryName repository) {
        return jdbc.sql("SELECT r.id FROM repository r WHERE r.name = ?"
                        + " AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id)")
                .param(repository.value()).query(Long.class).optional();
    }

    private long repositoryId(RepositoryName repository) {
        return repositoryIdIfAny(repository).orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + repository + " does not exist"));
    }

    /**
     * SQL: a table {@code v} of one column {@code d} holding the strings of the named parameter (given as {@link #rows}).
     * Joined to {@code manifest} on its repository and a second column, H2 looks each value up in the two-column index;
     * {@code repository_id = ? AND digest IN (...)} makes it read every manifest of the repository.
     */
    private static String values(String parameter) {
        return "(VALUES :" + parameter + ") v(d)";
    }

    /** The parameter of {@link #values}: one row per string. */
    private static List<Object[]> rows(java.util.Collection<String> values) {
        return values.stream().map(v -> new Object[] {v}).toList();
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
