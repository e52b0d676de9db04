package dev.registry.core.retention;

import dev.registry.core.Actor;
import dev.registry.core.project.ProjectUpdated;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.artifact.internal.AccessoryLinks;
import dev.registry.core.immutability.ImmutabilityService;
import dev.registry.core.job.Cron;
import dev.registry.core.retention.internal.ExecutionHistory;
import dev.registry.core.retention.internal.ProjectArtifacts;
import dev.registry.storage.Digest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.springframework.context.ApplicationEventPublisher;
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
 * (audit) are published. What changed between deciding and deleting is re-checked (see
 * {@code carryOut}); the history records what was done, not only what was decided.
 *
 * <p>Scheduled runs: the {@code retention} job ({@link RetentionJob}) calls {@link #execute} for
 * each project with a policy (or the projects it is given), under the job mechanism's lock: on
 * {@code registry.retention.schedule} for every project, on each policy's own {@code schedule}
 * ({@link #claimScheduled}), or by hand through {@code /api/v1/jobs}.
 *
 * <p>Progress: an execution's row is written when it starts and its counts grow as a real run
 * carries its decisions out, so {@code GET …/executions/{id}} shows a long run's progress.
 */
@Service
public class RetentionService {

    private static final Logger log = LoggerFactory.getLogger(RetentionService.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final ArtifactService artifacts;
    private final ImmutabilityService immutability;
    private final ApplicationEventPublisher events;
    private final LockProvider locks;
    private final JdbcTemplate batches;

    /** Told how far a real run is: {@code done} of {@code inScope} decisions carried out. */
    @FunctionalInterface
    public interface Progress {
        void report(int done, int inScope);
    }

    public RetentionService(JdbcClient jdbc, ArtifactService artifacts, ImmutabilityService immutability,
                            ApplicationEventPublisher events, LockProvider locks, JdbcTemplate batches) {
        this.locks = locks;
        this.batches = batches;
        this.jdbc = jdbc;
        this.artifacts = artifacts;
        this.immutability = immutability;
        this.events = events;
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
        if (jdbc.sql("UPDATE retention_policy SET rules = ?, schedule = ?, last_fire = NULL, updated_by = ?, updated_at = ?"
                        + " WHERE project_id = ?")
                .params(json, policy.schedule(), updatedBy, now, projectId).update() == 0) {
            jdbc.sql("INSERT INTO retention_policy (project_id, rules, schedule, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)")
                    .params(projectId, json, policy.schedule(), updatedBy, now).update();
        }
        String project = jdbc.sql("SELECT name FROM project WHERE id = ?").param(projectId).query(String.class).single();
        events.publishEvent(new ProjectUpdated(Actor.current(), project, "retention policy set: " + policy.rules().size() + " rule(s), "
                + (policy.schedule() == null ? "no schedule" : "schedule " + policy.schedule())));
        return policy;
    }

    /**
     * Runs the project's policy now; a dry run only records what would happen. A real run holds
     * the project's retention lock (in PostgreSQL, so across replicas): a second real run of the
     * same project meanwhile is refused with {@code CONFLICT}.
     */
    public Execution execute(long projectId, boolean dryRun, String triggeredBy) {
        return execute(projectId, dryRun, triggeredBy, (done, inScope) -> { });
    }

    /** {@link #execute(long, boolean, String)}, telling {@code progress} how far a real run is. */
    public Execution execute(long projectId, boolean dryRun, String triggeredBy, Progress progress) {
        if (dryRun) {
            return decideAndRecord(projectId, true, triggeredBy, progress);
        }
        SimpleLock lock = lock(projectId);
        try {
            return decideAndRecord(projectId, false, triggeredBy, progress);
        } finally {
            lock.unlock();
        }
    }

    /** Decisions carried out between two updates of an execution's counts. */
    private static final int PROGRESS_EVERY = 100;

    private Execution decideAndRecord(long projectId, boolean dryRun, String triggeredBy, Progress progress) {
        return carry(decide(projectId, dryRun, triggeredBy), progress);
    }

    /** An execution decided and stored as started, its decisions not yet carried out. */
    private record Decided(long id, String project, boolean dryRun, String triggeredBy, Instant started,
                           List<Decision> decisions) {
    }

    private Decided decide(long projectId, boolean dryRun, String triggeredBy) {
        String project = jdbc.sql("SELECT name FROM project WHERE id = ?").param(projectId).query(String.class).single();
        RetentionPolicy policy = runnable(project, policy(projectId));
        Instant started = Instant.now();
        Map<String, String> fullNames = new HashMap<>();
        List<Candidate> candidates = ProjectArtifacts.read(jdbc, projectId, project, immutability.rules(project), fullNames);
        List<Decision> decided = RetentionEngine.decide(policy, candidates, started).stream()
                .map(d -> new Decision(fullNames.get(d.repository()), d.digest(), d.tags(), d.action(), d.rule(), d.reason()))
                .toList();
        long id = ExecutionHistory.start(jdbc, projectId, dryRun, triggeredBy, started, decided.size());
        return new Decided(id, project, dryRun, triggeredBy, started, decided);
    }

    private Execution carry(Decided run, Progress progress) {
        long id = run.id();
        List<Decision> decided = run.decisions();
        Set<String> doomed = decided.stream().filter(d -> d.action() == Decision.Action.DELETE)
                .map(d -> d.repository() + "@" + d.digest()).collect(Collectors.toSet());
        List<Decision> decisions;
        if (run.dryRun()) {
            decisions = decided;
        } else {
            decisions = new ArrayList<>(decided.size());
            Actor starter = Actor.current();
            try {
                for (Decision decision : decided) {
                    try (Actor.Scope ignored = Actor.open(starter.because(cause(id, decision, starter.cause())))) {
                        decisions.add(carryOut(decision, doomed));
                    }
                    if (decisions.size() % PROGRESS_EVERY == 0) {
                        ExecutionHistory.progress(jdbc, id, Execution.Counts.of(decisions));
                        progress.report(decisions.size(), decided.size());
                    }
                }
            } catch (RuntimeException e) {
                // what was done stays in the history, and the execution ends instead of looking alive forever
                ExecutionHistory.finish(batches, id, Instant.now(), Execution.Counts.of(decisions), decisions);
                throw e;
            }
        }
        Execution.Counts counts = Execution.Counts.of(decisions);
        Instant finished = Instant.now();
        ExecutionHistory.finish(batches, id, finished, counts, decisions);
        progress.report(decisions.size(), decided.size());
        log.info("retention of project {} ({}): {}", run.project(), run.dryRun() ? "dry run" : "run", counts);
        return new Execution(id, run.project(), run.dryRun(), run.triggeredBy(), run.started(), finished, decided.size(), counts,
                ExecutionHistory.perRepository(decisions), decisions);
    }

    /**
     * Starts a real run of the project's policy and answers its execution's id at once; the run
     * carries its decisions out on a thread of its own, as whoever called (the audit log's actor),
     * and its progress shows in the history ({@link #executionSummary}). What {@link #execute}
     * would refuse (a run of the project in progress, a policy that cannot run) is refused here,
     * before anything starts.
     */
    public long start(long projectId, String triggeredBy) {
        SimpleLock lock = lock(projectId);
        Decided run;
        try {
            run = decide(projectId, false, triggeredBy);
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
        Actor starter = Actor.current();
        Thread.ofPlatform().daemon().name("retention-" + run.project() + "-" + run.id()).start(() -> {
            try (Actor.Scope ignored = Actor.open(starter)) {
                carry(run, (done, inScope) -> { });
            } catch (RuntimeException e) {
                log.warn("retention execution {} of project {} failed", run.id(), run.project(), e);
            } finally {
                lock.unlock();
            }
        });
        return run.id();
    }

    private SimpleLock lock(long projectId) {
        return locks.lock(new LockConfiguration(Instant.now(), "retention-project-" + projectId,
                Duration.ofMinutes(2), Duration.ZERO)).orElseThrow(() -> new RegistryException(ErrorCode.CONFLICT,
                "a retention run of this project is in progress; try again when it has finished"));
    }

    /**
     * Why a deletion of a real run happens, for the audit log: the execution, the rule (the one
     * that kept the index or subject an untagged artifact follows; none for a deletion, which no
     * rule kept) and the reason, within the job run that started it, if one did.
     */
    private static String cause(long executionId, Decision decision, String outer) {
        return "retention-execution:" + executionId + (decision.rule() == null ? "" : " rule " + decision.rule()) + ": "
                + decision.reason() + (outer == null ? "" : " (" + outer + ")");
    }

    /**
     * The stored policy when every rule still compiles; else {@code CONFLICT} naming the rule and
     * why, and nothing runs. A rule saved before patterns were matched by RE2 (a backreference,
     * lookaround) no longer compiles: skipping it would delete what it retains, so the whole run
     * is refused until the policy is replaced.
     */
    private static RetentionPolicy runnable(String project, RetentionPolicy policy) {
        try {
            policy.validate();
            return policy;
        } catch (RegistryException e) {
            log.warn("retention policy of project {} cannot run: {} ({})", project, e.getMessage(), e.detail());
            throw new RegistryException(ErrorCode.CONFLICT, "the retention policy of project " + project
                    + " cannot run until it is replaced: " + (e.detail() instanceof Map<?, ?> m && m.get("field") != null
                    ? m.get("field") + ": " : "") + e.getMessage(), e.detail());
        }
    }

    /**
     * Claims, for the calling replica, every project whose policy's own schedule is due at
     * {@code now} (a conditional update of its last fire: of several replicas looking at once, one
     * gets each project). Missed fires make one run, not one each.
     *
     * @return the claimed projects with their previous last fire, for {@link #unclaim}
     */
    public Map<Long, Instant> claimScheduled(Instant now) {
        record Scheduled(long projectId, String schedule, Instant lastFire, Instant updatedAt) {
        }
        List<Scheduled> scheduled = jdbc.sql("SELECT project_id, schedule, last_fire, updated_at FROM retention_policy"
                        + " WHERE schedule IS NOT NULL ORDER BY project_id")
                .query((rs, n) -> new Scheduled(rs.getLong(1), rs.getString(2), instant(rs.getObject(3, OffsetDateTime.class)),
                        instant(rs.getObject(4, OffsetDateTime.class)))).list();
        Map<Long, Instant> claimed = new LinkedHashMap<>();
        for (Scheduled s : scheduled) {
            if (Cron.due(s.schedule(), s.lastFire(), s.updatedAt(), now) && jdbc.sql("UPDATE retention_policy SET last_fire = ?"
                            + " WHERE project_id = ? AND schedule = ? AND (last_fire IS NULL OR last_fire < ?)")
                    .params(micros(now), s.projectId(), s.schedule(),
                            Cron.next(s.schedule(), s.lastFire(), s.updatedAt()).atOffset(ZoneOffset.UTC)).update() == 1) {
                claimed.put(s.projectId(), s.lastFire());
            }
        }
        return claimed;
    }

    /** Gives claimed fires back (the run could not start: another replica ran retention), so the next look retries them. */
    public void unclaim(Map<Long, Instant> claimed, Instant claimedAt) {
        claimed.forEach((projectId, previous) -> jdbc.sql("UPDATE retention_policy SET last_fire = ? WHERE project_id = ?"
                        + " AND last_fire = ?")
                .params(previous == null ? null : micros(previous), projectId, micros(claimedAt))
                .update());
    }

    /** As the database keeps it (microseconds), so that a claim can be compared for equality. */
    private static OffsetDateTime micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    /**
     * Carries out one decision and answers what was done. Re-checked, since pushes go on while a
     * run deletes: only tags still on the digest are removed, and a manifest that got a new tag, or
     * that a manifest outside this run's deletions now references, is kept (and the history says
     * why). A deletion's re-check runs inside its own transaction under the project's lock
     * ({@link ArtifactService#deleteIf}), so no push slips in between.
     */
    private Decision carryOut(Decision decision, Set<String> doomed) {
        RepositoryName repository = new RepositoryName(decision.repository());
        List<String> current = jdbc.sql("SELECT t.name FROM tag t JOIN manifest m ON m.id = t.manifest_id"
                        + " JOIN repository r ON r.id = m.repository_id WHERE r.name = ? AND m.digest = ?")
                .params(decision.repository(), decision.digest()).query(String.class).list();
        try {
            switch (decision.action()) {
                case RETAIN -> {
                }
                case UNTAG -> {
                    for (String tag : decision.tags()) {
                        if (current.contains(tag)) {
                            artifacts.deleteManifest(repository, Reference.parse(tag));
                        }
                    }
                }
                case DELETE -> {
                    // re-checked inside the deleting transaction, under the project's lock
                    String[] keptBecause = {null};
                    Optional<Long> manifestId = artifacts.manifestId(repository, Digest.parse(decision.digest()));
                    manifestId.ifPresent(id -> artifacts.deleteIf(id, m -> {
                        keptBecause[0] = stillToGo(decision, doomed);
                        return keptBecause[0] == null;
                    }));
                    if (keptBecause[0] != null) {
                        return kept(decision, keptBecause[0]);
                    }
                }
            }
        } catch (RegistryException e) {
            // gone meanwhile (MANIFEST_UNKNOWN) or protected meanwhile (DENIED)
            log.info("retention skipped {} of {}@{}: {}", decision.action(), repository, decision.digest(), e.getMessage());
            if (e.code() == ErrorCode.DENIED) {
                return kept(decision, e.getMessage());
            }
        }
        return decision;
    }

    /**
     * Null when the manifest may still go; else why not (a new tag, an index now listing it, or a
     * subject it is an accessory of still there: an accessory goes only with its subject, which
     * comes first in the decisions and takes it along).
     */
    private String stillToGo(Decision decision, Set<String> doomed) {
        List<String> newTags = jdbc.sql("SELECT t.name FROM tag t JOIN manifest m ON m.id = t.manifest_id"
                        + " JOIN repository r ON r.id = m.repository_id WHERE r.name = ? AND m.digest = ?")
                .params(decision.repository(), decision.digest()).query(String.class).list().stream()
                .filter(t -> !decision.tags().contains(t)).toList();
        if (!newTags.isEmpty()) {
            return "tagged " + String.join(", ", newTags) + " while the run went on";
        }
        List<String> parents = jdbc.sql("SELECT p.digest FROM manifest_reference x JOIN manifest p ON p.id = x.manifest_id"
                        + " JOIN repository r ON r.id = p.repository_id WHERE r.name = ? AND x.digest = ? AND x.kind = 'manifest'")
                .params(decision.repository(), decision.digest()).query(String.class).list().stream()
                .filter(p -> !doomed.contains(decision.repository() + "@" + p)).toList();
        if (!parents.isEmpty()) {
            return "index " + parents.getFirst() + " references it since the decision";
        }
        boolean accessory = jdbc.sql("SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id"
                        + " WHERE r.name = ? AND m.digest = ? AND " + AccessoryLinks.IS_ACCESSORY)
                .params(decision.repository(), decision.digest()).query(Long.class).single() > 0;
        return accessory ? "its subject is still there" : null;
    }

    private static Decision kept(Decision decision, String why) {
        return new Decision(decision.repository(), decision.digest(), decision.tags(), Decision.Action.RETAIN, null,
                "not deleted: " + why);
    }

    /** Executions of the project, newest first. */
    public List<Execution> executions(long projectId, int offset, int limit) {
        return ExecutionHistory.list(jdbc, projectId, offset, limit);
    }

    public long countExecutions(long projectId) {
        return jdbc.sql("SELECT count(*) FROM retention_execution WHERE project_id = ?").param(projectId)
                .query(Long.class).single();
    }

    /** One execution's counts and state, without its decisions; {@code NAME_UNKNOWN} when the project has no such execution. */
    public Execution executionSummary(long projectId, long executionId) {
        return ExecutionHistory.summary(jdbc, projectId, executionId).orElseThrow(() -> unknownExecution(executionId));
    }

    /** A page of one execution's decisions, in the order {@link #execution} lists them (repository, action, digest). */
    public List<Decision> decisions(long projectId, long executionId, int offset, int limit) {
        executionSummary(projectId, executionId);
        return ExecutionHistory.decisions(jdbc, executionId, offset, limit);
    }

    public long countDecisions(long projectId, long executionId) {
        executionSummary(projectId, executionId);
        return jdbc.sql("SELECT count(*) FROM retention_decision WHERE execution_id = ?").param(executionId)
                .query(Long.class).single();
    }

    private static RegistryException unknownExecution(long executionId) {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, "the project has no retention execution " + executionId,
                Map.of("field", "id"));
    }

    /** One execution with its decisions; {@code NAME_UNKNOWN} when the project has no such execution. */
    public Execution execution(long projectId, long executionId) {
        return ExecutionHistory.find(jdbc, projectId, executionId).orElseThrow(() -> unknownExecution(executionId));
    }
}
