package dev.registry.core.retention.internal;

import dev.registry.core.retention.Decision;
import dev.registry.core.retention.Execution;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The history's rows: one per execution (written when it starts, its counts kept up to date while
 * it runs, completed at the end) and one per decision (written at the end).
 */
public final class ExecutionHistory {

    private ExecutionHistory() {
    }

    /** The execution's row, written when it starts; {@link #finish} completes it. */
    public static long start(JdbcClient jdbc, long projectId, boolean dryRun, String triggeredBy, Instant started, int inScope) {
        var key = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("INSERT INTO retention_execution (project_id, dry_run, triggered_by, started_at, in_scope,"
                        + " retained, untagged, deleted) VALUES (?, ?, ?, ?, ?, 0, 0, 0)")
                .params(projectId, dryRun, triggeredBy, started.atOffset(ZoneOffset.UTC), inScope).update(key, "id");
        return key.getKeyAs(Number.class).longValue();
    }

    /** The counts so far, while the execution goes on. */
    public static void progress(JdbcClient jdbc, long id, Execution.Counts counts) {
        jdbc.sql("UPDATE retention_execution SET retained = ?, untagged = ?, deleted = ? WHERE id = ?")
                .params(counts.retained(), counts.untagged(), counts.deleted(), id).update();
    }

    /** The final counts, the end time and every decision (in batches). */
    public static void finish(JdbcTemplate jdbc, long id, Instant finished, Execution.Counts counts, List<Decision> decisions) {
        jdbc.batchUpdate("INSERT INTO retention_decision (execution_id, repository, digest, tags, action, rule, reason)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)", decisions.stream().map(d -> new Object[] {id, d.repository(),
                        d.digest(), String.join(",", d.tags()), d.action().name(), d.rule(), d.reason()}).toList());
        jdbc.update("UPDATE retention_execution SET retained = ?, untagged = ?, deleted = ?, finished_at = ? WHERE id = ?",
                counts.retained(), counts.untagged(), counts.deleted(), finished.atOffset(ZoneOffset.UTC), id);
    }

    public static List<Execution.RepositoryCounts> perRepository(List<Decision> decisions) {
        Map<String, List<Decision>> byRepository = new LinkedHashMap<>();
        decisions.forEach(d -> byRepository.computeIfAbsent(d.repository(), k -> new ArrayList<>()).add(d));
        return byRepository.entrySet().stream()
                .map(e -> new Execution.RepositoryCounts(e.getKey(), Execution.Counts.of(e.getValue()))).toList();
    }

    private static final String SELECT = "SELECT e.id, p.name, e.dry_run, e.triggered_by, e.started_at, e.finished_at,"
            + " e.retained, e.untagged, e.deleted, e.in_scope FROM retention_execution e JOIN project p ON p.id = e.project_id";

    private static Execution summary(java.sql.ResultSet rs) throws java.sql.SQLException {
        OffsetDateTime finished = rs.getObject(6, OffsetDateTime.class);
        return new Execution(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
                rs.getObject(5, OffsetDateTime.class).toInstant(), finished == null ? null : finished.toInstant(),
                (Integer) rs.getObject(10), new Execution.Counts(rs.getInt(7), rs.getInt(8), rs.getInt(9)), List.of(), List.of());
    }

    public static List<Execution> list(JdbcClient jdbc, long projectId, int offset, int limit) {
        return jdbc.sql(SELECT + " WHERE e.project_id = ? ORDER BY e.id DESC LIMIT ? OFFSET ?")
                .params(projectId, limit, offset).query((rs, n) -> summary(rs)).list();
    }

    /** An execution's row (counts so far, finished or not), without its decisions. */
    public static Optional<Execution> summary(JdbcClient jdbc, long projectId, long executionId) {
        return jdbc.sql(SELECT + " WHERE e.project_id = ? AND e.id = ?").params(projectId, executionId)
                .query((rs, n) -> summary(rs)).optional();
    }

    /** A page of an execution's decisions, by repository, action and digest. */
    public static List<Decision> decisions(JdbcClient jdbc, long executionId, int offset, int limit) {
        return jdbc.sql(DECISIONS + " LIMIT ? OFFSET ?").params(executionId, limit, offset).query((rs, n) -> decision(rs)).list();
    }

    private static final String DECISIONS = "SELECT repository, digest, tags, action, rule, reason"
            + " FROM retention_decision WHERE execution_id = ? ORDER BY repository, action, digest";

    private static Decision decision(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Decision(rs.getString(1), rs.getString(2),
                rs.getString(3).isEmpty() ? List.of() : Arrays.asList(rs.getString(3).split(",")),
                Decision.Action.valueOf(rs.getString(4)), (Integer) rs.getObject(5), rs.getString(6));
    }

    public static Optional<Execution> find(JdbcClient jdbc, long projectId, long executionId) {
        return summary(jdbc, projectId, executionId).map(e -> {
            List<Decision> decisions = jdbc.sql(DECISIONS).param(executionId).query((rs, n) -> decision(rs)).list();
            return new Execution(e.id(), e.project(), e.dryRun(), e.triggeredBy(), e.startedAt(), e.finishedAt(),
                    e.inScope(), e.counts(), perRepository(decisions), decisions);
        });
    }
}
