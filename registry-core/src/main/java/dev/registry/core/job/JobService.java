package dev.registry.core.job;

import dev.registry.core.Actor;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Runs {@link Job}s once across replicas and keeps their history in {@code job_run}. A run takes
 * the job's lock in PostgreSQL (ShedLock); when another replica holds it, the run is recorded as
 * {@code SKIPPED}. Scheduled and manual runs go the same way. Stopping is a flag on the run's row,
 * so any replica can stop a run that another replica executes.
 *
 * <p>A run's parameters are the job's {@link Job#defaults()} overridden by those given, kept and
 * shown in full ({@code deleteUntagged=false dryRun=true}); a name the job does not take, or a
 * value it refuses, is {@code INVALID_INPUT} naming the parameter and starts nothing. A run acts
 * as whoever started it ({@link Actor#current()} at the start, with its address; {@code system}
 * for a schedule), with the cause {@code <job>-run:<id>}, so what it changes is audited as theirs
 * and points at the run.
 */
@Service
public class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);
    /**
     * A replica that dies mid-run frees the job's lock after this long; while it lives the lock is
     * extended ({@link JobLocks}).
     */
    private static final Duration LOCK_AT_MOST = Duration.ofMinutes(2);
    public static final String SCHEDULE = "schedule";
    public static final String MANUAL = "manual";

    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final JdbcClient jdbc;
    private final LockProvider locks;
    private final String replica;

    private final ApplicationEventPublisher events;

    public JobService(List<Job> jobs, JdbcClient jdbc, LockProvider locks, ApplicationEventPublisher events) {
        jobs.forEach(job -> this.jobs.put(job.name(), job));
        this.jdbc = jdbc;
        this.locks = locks;
        this.events = events;
        this.replica = hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public List<Job> jobs() {
        return List.copyOf(jobs.values());
    }

    public Job require(String name) {
        Job job = jobs.get(name);
        if (job == null) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "there is no job " + name + "; jobs: " + jobs.keySet());
        }
        return job;
    }

    /** Runs the job now and waits for it, unless another replica runs it; returns the finished run. */
    public JobRun run(String name, String trigger, String triggeredBy) {
        return run(name, trigger, triggeredBy, Map.of());
    }

    /** {@link #run(String, String, String)} with parameters for the job ({@link Job.Context#parameters}). */
    public JobRun run(String name, String trigger, String triggeredBy, Map<String, String> given) {
        Job job = require(name);
        Map<String, String> parameters = parameters(job, given);
        Actor starter = Actor.current();
        Optional<SimpleLock> lock = lock(name);
        if (lock.isEmpty()) {
            return skipped(name, trigger, triggeredBy, parameters);
        }
        long id = insert(name, trigger, triggeredBy, JobRun.State.RUNNING, parameters);
        Thread worker = worker(name, id, () -> execute(job, id, lock.get(), parameters, starter));
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return require(id);
    }

    /**
     * A platform thread for a run: jobs block on files and the database for long stretches, which
     * should not hold one of the few carrier threads that the requests' virtual threads run on
     * (schedules fire on virtual threads).
     */
    private static Thread worker(String name, long id, Runnable run) {
        return Thread.ofPlatform().daemon().name("job-" + name + "-" + id).start(run);
    }

    /**
     * Starts the job in a new thread unless another replica runs it, and returns its run
     * at once ({@code RUNNING}, or {@code SKIPPED}); follow it with {@link #require(long)}.
     */
    public JobRun start(String name, String triggeredBy) {
        return start(name, triggeredBy, Map.of());
    }

    /** {@link #start(String, String)} with parameters for the job ({@link Job.Context#parameters}). */
    public JobRun start(String name, String triggeredBy, Map<String, String> given) {
        Job job = require(name);
        Map<String, String> parameters = parameters(job, given);
        Actor starter = Actor.current();
        Optional<SimpleLock> lock = lock(name);
        if (lock.isEmpty()) {
            return skipped(name, MANUAL, triggeredBy, parameters);
        }
        long id = insert(name, MANUAL, triggeredBy, JobRun.State.RUNNING, parameters);
        worker(name, id, () -> execute(job, id, lock.get(), parameters, starter));
        return require(id);
    }

    /** The job's defaults overridden by {@code given}; {@code INVALID_INPUT} for a name or value the job does not take. */
    private static Map<String, String> parameters(Job job, Map<String, String> given) {
        for (String name : given.keySet()) {
            if (!job.parameterNames().contains(name)) {
                throw new RegistryException(ErrorCode.INVALID_INPUT, "job " + job.name() + " takes no parameter " + name
                        + (job.parameterNames().isEmpty() ? "" : "; its parameters: " + new java.util.TreeSet<>(job.parameterNames())),
                        Map.of("field", name));
            }
        }
        Map<String, String> parameters = new java.util.TreeMap<>(job.defaults());
        parameters.putAll(given);
        job.check(parameters);
        return Map.copyOf(parameters);
    }

    /**
     * Takes the job's lock. Holding it proves that no run of the job is alive anywhere, so runs
     * still marked running were left by a replica that stopped: they are marked failed.
     */
    private Optional<SimpleLock> lock(String name) {
        Optional<SimpleLock> lock = locks.lock(new LockConfiguration(Instant.now(), name, LOCK_AT_MOST, Duration.ZERO));
        lock.ifPresent(held -> jdbc.sql("UPDATE job_run SET state = ?, summary = ?, finished_at = ? WHERE job_name = ?"
                        + " AND state = ?")
                .params(JobRun.State.FAILED.name(), "the replica running it stopped before it finished (its lock expired)",
                        OffsetDateTime.now(ZoneOffset.UTC), name, JobRun.State.RUNNING.name()).update());
        return lock;
    }

    /** A skipped scheduled run is not kept (every replica's schedule fires); a skipped manual run is. */
    private JobRun skipped(String name, String trigger, String triggeredBy, Map<String, String> parameters) {
        if (SCHEDULE.equals(trigger)) {
            Instant now = Instant.now();
            return new JobRun(0, name, trigger, triggeredBy, format(parameters), JobRun.State.SKIPPED, null,
                    "another replica runs " + name + " now", replica, false, now, now);
        }
        long id = insert(name, trigger, triggeredBy, JobRun.State.SKIPPED, parameters);
        finish(id, JobRun.State.SKIPPED, "another replica runs " + name + " now");
        return require(id);
    }

    /** Runs the job for run {@code id} and records how it ended; releases the lock whatever happens. */
    private void execute(Job job, long id, SimpleLock lock, Map<String, String> parameters, Actor starter) {
        try (Actor.Scope ignored = Actor.open(starter.because(job.name() + "-run:" + id))) {
            String summary = job.run(new Job.Context() {
                @Override
                public long runId() {
                    return id;
                }

                @Override
                public Map<String, String> parameters() {
                    return parameters;
                }

                @Override
                public void progress(String text) {
                    jdbc.sql("UPDATE job_run SET progress = ? WHERE id = ?").params(truncate(text, 1024), id).update();
                }

                @Override
                public boolean stopRequested() {
                    return JobService.this.stopRequested(id);
                }
            });
            finish(id, stopRequested(id) ? JobRun.State.STOPPED : JobRun.State.SUCCEEDED, summary);
        } catch (Exception e) {
            log.warn("job {} failed", job.name(), e);
            // our own errors carry a message meant for people; others are named by their kind
            finish(id, JobRun.State.FAILED, e instanceof RegistryException ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private boolean stopRequested(long id) {
        return jdbc.sql("SELECT stop_requested FROM job_run WHERE id = ?").param(id).query(Boolean.class).single();
    }

    /** Asks a running run to stop; it stops at its next check. {@code CONFLICT} when it is not running. */
    public JobRun requestStop(long runId) {
        JobRun run = require(runId);
        if (run.state() != JobRun.State.RUNNING) {
            throw new RegistryException(ErrorCode.CONFLICT, "run " + runId + " of " + run.job() + " is " + run.state().name().toLowerCase()
                    + ", not running");
        }
        jdbc.sql("UPDATE job_run SET stop_requested = TRUE WHERE id = ?").param(runId).update();
        return require(runId);
    }

    public JobRun require(long runId) {
        return jdbc.sql(SELECT + " WHERE id = ?").param(runId).query(JobService::map).optional()
                .orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "there is no job run " + runId));
    }

    /** A run of the job named; {@code NAME_UNKNOWN} when the job or the run does not exist or the run is another job's. */
    public JobRun require(String name, long runId) {
        Job job = require(name);
        JobRun run = require(runId);
        if (!run.job().equals(job.name())) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "run " + runId + " is not a run of " + job.name());
        }
        return run;
    }

    /** Runs of a job, newest first. */
    public List<JobRun> runs(String name, int offset, int limit) {
        require(name);
        return jdbc.sql(SELECT + " WHERE job_name = ? ORDER BY id DESC LIMIT ? OFFSET ?").params(name, limit, offset)
                .query(JobService::map).list();
    }

    public long countRuns(String name) {
        return jdbc.sql("SELECT count(*) FROM job_run WHERE job_name = ?").param(name).query(Long.class).single();
    }

    public Optional<JobRun> latest(String name) {
        return jdbc.sql(SELECT + " WHERE job_name = ? ORDER BY id DESC LIMIT 1").param(name).query(JobService::map).optional();
    }

    private static final String SELECT = "SELECT id, job_name, run_trigger, triggered_by, state, progress, summary, replica,"
            + " stop_requested, started_at, finished_at, parameters FROM job_run";

    private static JobRun map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        OffsetDateTime finished = rs.getObject(11, OffsetDateTime.class);
        return new JobRun(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(12),
                JobRun.State.valueOf(rs.getString(5)), rs.getString(6), rs.getString(7), rs.getString(8), rs.getBoolean(9),
                rs.getObject(10, OffsetDateTime.class).toInstant(), finished == null ? null : finished.toInstant());
    }

    /** Parameters as they are kept and shown: {@code dryRun=true deleteUntagged=false}, or null for none. */
    private static String format(Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        new java.util.TreeMap<>(parameters).forEach((key, value) -> text.append(text.isEmpty() ? "" : " ").append(key).append('=')
                .append(value));
        return truncate(text.toString(), 1024);
    }

    private long insert(String name, String trigger, String triggeredBy, JobRun.State state, Map<String, String> parameters) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        var key = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("INSERT INTO job_run (job_name, run_trigger, triggered_by, parameters, state, replica, stop_requested, started_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, FALSE, ?)")
                .params(name, trigger, triggeredBy, format(parameters), state.name(), replica, now).update(key, "id");
        return key.getKeyAs(Number.class) != null ? key.getKeyAs(Number.class).longValue()
                : ((Number) key.getKeys().get("id")).longValue();
    }

    private void finish(long id, JobRun.State state, String summary) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.sql("UPDATE job_run SET state = ?, summary = ?, finished_at = ? WHERE id = ?")
                .params(state.name(), truncate(summary, 4096), now, id).update();
        jdbc.sql("SELECT job_name, started_at FROM job_run WHERE id = ?").param(id)
                .query((rs, n) -> new JobFinished(rs.getString(1), state,
                        Duration.between(rs.getObject(2, OffsetDateTime.class).toInstant(), now.toInstant())))
                .optional().ifPresent(events::publishEvent);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "replica";
        }
    }
}
