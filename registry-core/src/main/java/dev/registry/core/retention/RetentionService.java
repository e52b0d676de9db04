package dev.registry.core.retention;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.immutability.DoublestarPattern;
import dev.registry.core.immutability.ImmutabilityRule;
import dev.registry.core.immutability.ImmutabilityService;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retention policies, their executions and the history: the public face of the retention feature.
 *
 * <p>An execution reads the project's artifacts, lets {@link RetentionEngine} decide, stores every
 * decision, and (unless it is a dry run) carries them out through {@link ArtifactService}, one
 * short transaction per tag or manifest, so pushes and pulls go on meanwhile and the usual events
 * (audit) are published. Whatever changed between deciding and deleting is re-checked there:
 * immutable tags are refused by the tag guard, and a tag or manifest already gone is skipped.
 *
 * <p>Scheduled runs: a {@code @Scheduled} method under {@code @SchedulerLock(name = "retention")}
 * (see {@code JobLocks}) calling {@link #execute} for each project with a policy is the hook; no
 * schedule is stored yet.
 */
@Service
public class RetentionService {

    private static final Logger log = LoggerFactory.getLogger(RetentionService.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final ArtifactService artifacts;
    private final ImmutabilityService immutability;

    public RetentionService(JdbcClient jdbc, ArtifactService artifacts, ImmutabilityService immutability) {
        this.jdbc = jdbc;
        this.artifacts = artifacts;
        this.immutability = immutability;
    }

    /** The project's policy; an empty one when none was set. */
    public RetentionPolicy policy(long projectId) {
        return jdbc.sql("SELECT rules FROM retention_policy WHERE project_id = ?").param(projectId).query(String.class)
                .optional().map(json -> JSON.readValue(json, RetentionPolicy.class)).orElse(new RetentionPolicy(List.of()));
    }

    /** Replaces the project's policy; {@code INVALID_INPUT} naming the field of a bad rule. */
    @Transactional
    public RetentionPolicy setPolicy(long projectId, RetentionPolicy policy, String updatedBy) {
        policy.validate();
        String json = JSON.writeValueAsString(policy);
        OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
        if (jdbc.sql("UPDATE retention_policy SET rules = ?, updated_by = ?, updated_at = ? WHERE project_id = ?")
                .params(json, updatedBy, now, projectId).update() == 0) {
            jdbc.sql("INSERT INTO retention_policy (project_id, rules, updated_by, updated_at) VALUES (?, ?, ?, ?)")
                    .params(projectId, json, updatedBy, now).update();
        }
        return policy;
    }

    /** Runs the project's policy now; a dry run only records what would happen. */
    public Execution execute(long projectId, boolean dryRun, String triggeredBy) {
        String project = jdbc.sql("SELECT name FROM project WHERE id = ?").param(projectId).query(String.class).single();
        RetentionPolicy policy = policy(projectId);
        Instant started = Instant.now();
        Map<String, String> fullNames = new HashMap<>();
        List<Candidate> candidates = ProjectArtifacts.read(jdbc, projectId, project, immutability.rules(project), fullNames);
        List<Decision> decisions = RetentionEngine.decide(policy, candidates, started).stream()
                .map(d -> new Decision(fullNames.get(d.repository()), d.digest(), d.tags(), d.action(), d.rule(), d.reason()))
                .toList();
        if (!dryRun) {
            decisions.forEach(this::carryOut);
        }
        Execution.Counts counts = Execution.Counts.of(decisions);
        Instant finished = Instant.now();
        long id = ExecutionHistory.store(jdbc, projectId, dryRun, triggeredBy, started, finished, counts, decisions);
        log.info("retention of project {} ({}): {}", project, dryRun ? "dry run" : "run", counts);
        return new Execution(id, project, dryRun, triggeredBy, started, finished, counts,
                ExecutionHistory.perRepository(decisions), decisions);
    }

    private void carryOut(Decision decision) {
        RepositoryName repository = new RepositoryName(decision.repository());
        try {
            switch (decision.action()) {
                case RETAIN -> {
                }
                case UNTAG -> {
                    for (String tag : decision.tags()) {
                        artifacts.deleteManifest(repository, Reference.parse(tag));
                    }
                }
                case DELETE -> artifacts.deleteManifest(repository, Reference.parse(decision.digest()));
            }
        } catch (RegistryException e) {
            // gone meanwhile (MANIFEST_UNKNOWN) or protected meanwhile (DENIED): left as it is
            log.info("retention skipped {} of {}@{}: {}", decision.action(), repository, decision.digest(), e.getMessage());
        }
    }

    /** Executions of the project, newest first. */
    public List<Execution> executions(long projectId, int offset, int limit) {
        return ExecutionHistory.list(jdbc, projectId, offset, limit);
    }

    public long countExecutions(long projectId) {
        return jdbc.sql("SELECT count(*) FROM retention_execution WHERE project_id = ?").param(projectId)
                .query(Long.class).single();
    }

    /** One execution with its decisions; {@code NAME_UNKNOWN} when the project has no such execution. */
    public Execution execution(long projectId, long executionId) {
        return ExecutionHistory.find(jdbc, projectId, executionId).orElseThrow(() -> new RegistryException(
                ErrorCode.NAME_UNKNOWN, "the project has no retention execution " + executionId, Map.of("field", "id")));
    }

    /** Reads what retention sees of a project's artifacts. */
    static final class ProjectArtifacts {

        private ProjectArtifacts() {
        }

        static List<Candidate> read(JdbcClient jdbc, long projectId, String project, List<ImmutabilityRule> rules,
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

    /** The rows of the history. */
    static final class ExecutionHistory {

        private ExecutionHistory() {
        }

        static long store(JdbcClient jdbc, long projectId, boolean dryRun, String triggeredBy, Instant started,
                          Instant finished, Execution.Counts counts, List<Decision> decisions) {
            var key = new org.springframework.jdbc.support.GeneratedKeyHolder();
            jdbc.sql("INSERT INTO retention_execution (project_id, dry_run, triggered_by, started_at, finished_at,"
                            + " retained, untagged, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(projectId, dryRun, triggeredBy, started.atOffset(ZoneOffset.UTC), finished.atOffset(ZoneOffset.UTC),
                            counts.retained(), counts.untagged(), counts.deleted()).update(key, "id");
            long id = key.getKeyAs(Number.class).longValue();
            for (Decision d : decisions) {
                jdbc.sql("INSERT INTO retention_decision (execution_id, repository, digest, tags, action, rule, reason)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                        .params(id, d.repository(), d.digest(), String.join(",", d.tags()), d.action().name(), d.rule(),
                                d.reason()).update();
            }
            return id;
        }

        static List<Execution.RepositoryCounts> perRepository(List<Decision> decisions) {
            Map<String, List<Decision>> byRepository = new LinkedHashMap<>();
            decisions.forEach(d -> byRepository.computeIfAbsent(d.repository(), k -> new ArrayList<>()).add(d));
            return byRepository.entrySet().stream()
                    .map(e -> new Execution.RepositoryCounts(e.getKey(), Execution.Counts.of(e.getValue()))).toList();
        }

        private static final String SELECT = "SELECT e.id, p.name, e.dry_run, e.triggered_by, e.started_at, e.finished_at,"
                + " e.retained, e.untagged, e.deleted FROM retention_execution e JOIN project p ON p.id = e.project_id";

        private static Execution summary(java.sql.ResultSet rs) throws java.sql.SQLException {
            OffsetDateTime finished = rs.getObject(6, OffsetDateTime.class);
            return new Execution(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
                    rs.getObject(5, OffsetDateTime.class).toInstant(), finished == null ? null : finished.toInstant(),
                    new Execution.Counts(rs.getInt(7), rs.getInt(8), rs.getInt(9)), List.of(), List.of());
        }

        static List<Execution> list(JdbcClient jdbc, long projectId, int offset, int limit) {
            return jdbc.sql(SELECT + " WHERE e.project_id = ? ORDER BY e.id DESC LIMIT ? OFFSET ?")
                    .params(projectId, limit, offset).query((rs, n) -> summary(rs)).list();
        }

        static Optional<Execution> find(JdbcClient jdbc, long projectId, long executionId) {
            return jdbc.sql(SELECT + " WHERE e.project_id = ? AND e.id = ?").params(projectId, executionId)
                    .query((rs, n) -> summary(rs)).optional().map(e -> {
                        List<Decision> decisions = jdbc.sql("SELECT repository, digest, tags, action, rule, reason"
                                        + " FROM retention_decision WHERE execution_id = ? ORDER BY repository, action, digest")
                                .param(executionId)
                                .query((rs, n) -> new Decision(rs.getString(1), rs.getString(2),
                                        rs.getString(3).isEmpty() ? List.of() : Arrays.asList(rs.getString(3).split(",")),
                                        Decision.Action.valueOf(rs.getString(4)), (Integer) rs.getObject(5), rs.getString(6)))
                                .list();
                        return new Execution(e.id(), e.project(), e.dryRun(), e.triggeredBy(), e.startedAt(), e.finishedAt(),
                                e.counts(), perRepository(decisions), decisions);
                    });
        }
    }
}
