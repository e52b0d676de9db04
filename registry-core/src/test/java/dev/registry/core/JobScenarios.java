package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.job.Job;
import dev.registry.core.job.JobFinished;
import dev.registry.core.job.JobRun;
import dev.registry.core.job.JobService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The job mechanism over a real database: runs are recorded with their outcome, a job whose lock
 * another replica holds is skipped, a run can be stopped from anywhere, and failures are kept.
 */
abstract class JobScenarios extends DatabaseScenarios {

    @Autowired
    JdbcClient jdbcClient;
    @Autowired
    LockProvider locks;

    private final CountDownLatch slowStarted = new CountDownLatch(1);

    private final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt());
    private final Job quick = job("quick-" + suffix, context -> {
        context.progress("half way");
        return "did it";
    });
    private final Job failing = job("failing-" + suffix, context -> {
        throw new IllegalStateException("the disk is on fire");
    });
    private final Job slow = job("slow-" + suffix, context -> {
        slowStarted.countDown();
        for (int i = 0; i < 600 && !context.stopRequested(); i++) {
            Thread.sleep(50);
        }
        return context.stopRequested() ? "stopped early" : "ran to the end";
    });

    /** What the services published (JobFinished among them). */
    private final List<Object> published = new java.util.concurrent.CopyOnWriteArrayList<>();

    private JobService service() {
        return new JobService(List.of(quick, failing, slow), jdbcClient, locks, published::add);
    }

    @Test
    void a_run_is_recorded_with_its_trigger_progress_summary_and_end() {
        JobRun run = service().run(quick.name(), JobService.MANUAL, "alice");

        assertThat(run.state()).isEqualTo(JobRun.State.SUCCEEDED);
        assertThat(run.summary()).isEqualTo("did it");
        assertThat(run.progress()).isEqualTo("half way");
        assertThat(run.triggeredBy()).isEqualTo("alice");
        assertThat(run.finishedAt()).isAfterOrEqualTo(run.startedAt());
        assertThat(service().runs(quick.name(), 0, 10)).extracting(JobRun::id).containsExactly(run.id());
        // the end is published for the metrics, with the run's length
        assertThat(published).singleElement().isInstanceOfSatisfying(JobFinished.class, finished -> {
            assertThat(finished.job()).isEqualTo(quick.name());
            assertThat(finished.state()).isEqualTo(JobRun.State.SUCCEEDED);
            assertThat(finished.took()).isCloseTo(java.time.Duration.between(run.startedAt(), run.finishedAt()), java.time.Duration.ofMillis(1));
        });
    }

    @Test
    void a_run_asked_for_under_its_job_is_found_and_under_another_or_an_unknown_job_is_unknown() {
        // the check /api/v1/jobs/{job}/runs/{id} and the console's run pages share
        JobRun run = service().run(quick.name(), JobService.MANUAL, "alice");

        assertThat(service().require(quick.name(), run.id())).isEqualTo(run);
        assertThatThrownBy(() -> service().require(failing.name(), run.id())).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_UNKNOWN));
        assertThatThrownBy(() -> service().require("no-such-job", run.id())).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_UNKNOWN));
    }

    @Test
    void a_failure_is_kept_in_the_history_and_frees_the_lock() {
        JobRun failed = service().run(failing.name(), JobService.SCHEDULE, "system");
        JobRun again = service().run(failing.name(), JobService.MANUAL, "bob");

        assertThat(failed.state()).isEqualTo(JobRun.State.FAILED);
        assertThat(failed.summary()).contains("the disk is on fire");
        assertThat(again.state()).isEqualTo(JobRun.State.FAILED);
    }

    @Test
    void while_another_replica_holds_the_lock_a_manual_run_is_skipped_and_a_scheduled_one_leaves_no_row() {
        var held = locks.lock(new LockConfiguration(Instant.now(), quick.name(), Duration.ofMinutes(1), Duration.ZERO)).orElseThrow();
        try {
            JobRun manual = service().run(quick.name(), JobService.MANUAL, "carol");
            JobRun scheduled = service().run(quick.name(), JobService.SCHEDULE, "system");

            assertThat(manual.state()).isEqualTo(JobRun.State.SKIPPED);
            assertThat(scheduled.state()).isEqualTo(JobRun.State.SKIPPED);
            assertThat(service().runs(quick.name(), 0, 10)).extracting(JobRun::id).containsExactly(manual.id());
        } finally {
            held.unlock();
        }
    }

    @Test
    void a_run_left_running_by_a_replica_that_died_is_marked_failed_by_the_next_run() {
        // given a run that a replica started and never finished (it died; its lock expired)
        jdbc.update("INSERT INTO job_run (job_name, run_trigger, triggered_by, state, replica, stop_requested, started_at)"
                + " VALUES (?, 'manual', 'frank', 'RUNNING', 'gone/1234', FALSE, CURRENT_TIMESTAMP)", quick.name());
        long orphan = service().runs(quick.name(), 0, 1).getFirst().id();

        // when the job runs again
        JobRun next = service().run(quick.name(), JobService.MANUAL, "grace");

        // then the orphan is failed with the reason, and the new run succeeded
        JobRun failed = service().require(orphan);
        assertThat(failed.state()).isEqualTo(JobRun.State.FAILED);
        assertThat(failed.summary()).contains("stopped before it finished");
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(next.state()).isEqualTo(JobRun.State.SUCCEEDED);
    }

    @Test
    void a_held_lock_is_kept_alive_past_its_at_most_time_and_a_released_one_is_free() throws Exception {
        // given a lock taken for 30 s (the shortest ShedLock keeps alive)
        var held = locks.lock(new LockConfiguration(Instant.now(), "keep-alive-" + suffix, Duration.ofSeconds(30), Duration.ZERO))
                .orElseThrow();
        try {
            // when its first at-most time has half passed, it has been extended
            Thread.sleep(16_000);
            var until = jdbc.queryForObject("SELECT lock_until FROM shedlock WHERE name = ?", java.sql.Timestamp.class,
                    "keep-alive-" + suffix);
            var lockedAt = jdbc.queryForObject("SELECT locked_at FROM shedlock WHERE name = ?", java.sql.Timestamp.class,
                    "keep-alive-" + suffix);
            assertThat(until.getTime() - lockedAt.getTime()).isGreaterThan(Duration.ofSeconds(31).toMillis());
        } finally {
            held.unlock();
        }
        assertThat(locks.lock(new LockConfiguration(Instant.now(), "keep-alive-" + suffix, Duration.ofSeconds(30), Duration.ZERO)))
                .isPresent();
    }

    @Test
    void a_running_job_stops_when_asked_and_a_finished_one_cannot_be_stopped() throws Exception {
        JobService jobs = service();
        JobRun started = jobs.start(slow.name(), "dave");
        assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(started.state()).isEqualTo(JobRun.State.RUNNING);
        // a second start while it runs is skipped: the lock is held
        assertThat(jobs.start(slow.name(), "erin").state()).isEqualTo(JobRun.State.SKIPPED);

        jobs.requestStop(started.id());
        JobRun ended = started;
        for (int i = 0; i < 200 && ended.state() == JobRun.State.RUNNING; i++) {
            Thread.sleep(50);
            ended = jobs.require(started.id());
        }

        assertThat(ended.state()).isEqualTo(JobRun.State.STOPPED);
        assertThat(ended.summary()).isEqualTo("stopped early");
        JobRun finalRun = ended;
        assertThatThrownBy(() -> jobs.requestStop(finalRun.id())).isInstanceOf(RegistryException.class)
                .hasMessageContaining("not running");
    }

    private interface Body {
        String run(Job.Context context) throws Exception;
    }

    private static Job job(String name, Body body) {
        return new Job() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "test job " + name;
            }

            @Override
            public String run(Context context) throws Exception {
                return body.run(context);
            }
        };
    }
}
