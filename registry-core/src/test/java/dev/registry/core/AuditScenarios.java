package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.audit.AuditEvent;
import dev.registry.core.audit.AuditService;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The audit log: entries from committed changes only, pulls counted into one row per actor, repository and hour. */
abstract class AuditScenarios extends DatabaseScenarios {

    private static final Actor ALICE = new Actor("alice", "user", "192.0.2.7");

    @Autowired
    AuditService audit;

    String project;
    RepositoryName repository;

    @BeforeEach
    void newProject() {
        project = "audit-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        projects.create(project, false, null, "test", null);
        repository = new RepositoryName(project + "/app");
    }

    @Test
    void a_push_is_recorded_with_the_actor_and_address_that_were_current_when_it_happened() throws Exception {
        // given a blob in the repository
        Blob config = blob("{\"audit\": 1}");
        pushBlob(repository, config);

        // when alice pushes a manifest under a tag and the log is flushed
        try (Actor.Scope ignored = Actor.open(ALICE)) {
            pushManifest(repository, "v1", image(config).bytes());
        }
        audit.flush();

        // then the project's log holds the push, by alice from her address
        List<AuditEvent> rows = audit.query(project, null, null, 0, 10);
        assertThat(rows).filteredOn(e -> e.operation().equals("push")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("alice");
            assertThat(e.actorKind()).isEqualTo("user");
            assertThat(e.clientAddress()).isEqualTo("192.0.2.7");
            assertThat(e.resource()).isEqualTo(repository + ":v1");
            assertThat(e.count()).isEqualTo(1);
        });
    }

    @Test
    void a_push_that_fails_leaves_no_entry() {
        // given a manifest whose config blob was never pushed
        byte[] manifest = image(blob("{\"never\": \"pushed\"}")).bytes();

        // when its push is refused and the log is flushed
        assertThatThrownBy(() -> pushManifest(repository, "broken", manifest)).isInstanceOf(RegistryException.class);
        audit.flush();

        // then nothing but the project's creation was recorded
        assertThat(audit.query(project, null, null, 0, 10)).extracting(AuditEvent::operation).containsExactly("create");
    }

    @Test
    void pulls_by_one_actor_from_one_repository_in_one_hour_are_one_row_with_their_count() {
        // given three pulls by alice, split over two flushes (as two replicas would write them), and one by bob
        Instant now = Instant.now();
        audit.recordPull(ALICE, project, repository.value(), now);
        audit.recordPull(ALICE, project, repository.value(), now);
        audit.flush();
        audit.recordPull(ALICE, project, repository.value(), now);
        audit.recordPull(new Actor("bob", "user", null), project, repository.value(), now);

        // when the log is flushed
        audit.flush();

        // then alice has one pull row counting 3 for the hour, and bob one counting 1
        List<AuditEvent> pulls = audit.query(project, null, null, 0, 10).stream()
                .filter(e -> e.operation().equals(AuditService.PULL)).toList();
        assertThat(pulls).extracting(AuditEvent::actor, AuditEvent::count, AuditEvent::occurredAt)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("alice", 3L, now.truncatedTo(ChronoUnit.HOURS)),
                        org.assertj.core.groups.Tuple.tuple("bob", 1L, now.truncatedTo(ChronoUnit.HOURS)));
    }

    @Test
    void the_log_is_read_newest_first_in_pages_and_within_a_time_window() {
        // given five entries an hour apart in the project
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(10, ChronoUnit.DAYS);
        for (int i = 0; i < 5; i++) {
            audit.record(new AuditService.Entry(start.plus(i, ChronoUnit.HOURS), ALICE, project, "r" + i, "update", null));
        }
        audit.flush();

        // when the window [start + 1h, start + 4h) is read in pages of two
        Instant from = start.plus(1, ChronoUnit.HOURS);
        Instant to = start.plus(4, ChronoUnit.HOURS);
        List<AuditEvent> first = audit.query(project, from, to, 0, 2);
        List<AuditEvent> second = audit.query(project, from, to, 1, 2);

        // then it holds three entries, newest first
        assertThat(audit.count(project, from, to)).isEqualTo(3);
        assertThat(first).extracting(AuditEvent::resource).containsExactly("r3", "r2");
        assertThat(second).extracting(AuditEvent::resource).containsExactly("r1");
        assertThat(first.get(0).occurredAt()).isEqualTo(start.plus(3, ChronoUnit.HOURS));
    }

    @Test
    void the_log_is_filtered_by_operation_and_by_text_in_the_resource_taken_literally() {
        // issue 13 page 8: the console filters the log by operation, resource and time
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        audit.record(new AuditService.Entry(at, ALICE, project, project + "/app:v1", "push", null));
        audit.record(new AuditService.Entry(at, ALICE, project, project + "/app:v1", "delete", null));
        audit.record(new AuditService.Entry(at, ALICE, project, project + "/lib_x:1", "push", null));
        audit.record(new AuditService.Entry(at, ALICE, project, project + "/libax:1", "push", null));
        audit.flush();

        AuditService.Filter pushes = new AuditService.Filter(project, "push", null, null, null);
        assertThat(audit.query(pushes, 0, 10)).extracting(AuditEvent::resource)
                .containsExactlyInAnyOrder(project + "/app:v1", project + "/lib_x:1", project + "/libax:1");
        assertThat(audit.count(pushes)).isEqualTo(3);
        // "_" and "%" are text, not wildcards
        AuditService.Filter underscore = new AuditService.Filter(project, null, "lib_", null, null);
        assertThat(audit.query(underscore, 0, 10)).extracting(AuditEvent::resource).containsExactly(project + "/lib_x:1");
        assertThat(audit.count(new AuditService.Filter(project, null, "%", null, null))).isZero();
        assertThat(audit.query(new AuditService.Filter(project, "delete", "app", at, at.plusSeconds(1)), 0, 10))
                .extracting(AuditEvent::operation).containsExactly("delete");
    }

    @Test
    void the_prune_job_deletes_entries_older_than_the_kept_period_and_keeps_the_rest() {
        // given entries of one project from 400 days, 10 days and one minute ago
        String project = "prune-" + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt());
        for (long minutesAgo : new long[] {400L * 24 * 60, 10L * 24 * 60, 1}) {
            jdbc.update("INSERT INTO audit_event (occurred_at, actor_name, actor_kind, project, resource, operation, count)"
                            + " VALUES (?, 'admin', 'user', ?, ?, 'update', 1)",
                    java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(minutesAgo), project, project);
        }
        var job = new dev.registry.core.audit.AuditPruneJob(
                org.springframework.jdbc.core.simple.JdbcClient.create(jdbc), java.time.Duration.ofDays(365));

        // when the job runs
        String summary = job.run(new dev.registry.core.job.Job.Context() {
            @Override
            public long runId() {
                return 0;
            }

            @Override
            public java.util.Map<String, String> parameters() {
                return java.util.Map.of();
            }

            @Override
            public void progress(String text) {
            }

            @Override
            public boolean stopRequested() {
                return false;
            }
        });

        // then only the entry from 400 days ago is gone
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE project = ?", Long.class, project)).isEqualTo(2);
        assertThat(summary).contains("deleted");
    }
}
