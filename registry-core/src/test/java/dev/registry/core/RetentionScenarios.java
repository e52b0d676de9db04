package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.core.artifact.PullTimes;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.immutability.ImmutabilityService;
import dev.registry.core.retention.Decision;
import dev.registry.core.retention.Decision.Action;
import dev.registry.core.retention.Execution;
import dev.registry.core.retention.RetentionPolicy;
import dev.registry.core.retention.RetentionRule;
import dev.registry.core.retention.Selection;
import dev.registry.core.retention.Selection.Decoration;
import dev.registry.core.retention.Selection.PatternKind;
import dev.registry.storage.Digest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Retention on a real database: last-pulled times recorded in batches, a dry run that changes
 * nothing, a run that deletes what the dry run listed, and the history of both.
 */
abstract class RetentionScenarios extends DatabaseScenarios {

    @Autowired
    net.javacrumbs.shedlock.core.LockProvider locks;
    @Autowired
    dev.registry.core.retention.RetentionService retention;
    @Autowired
    ImmutabilityService immutability;
    @Autowired
    PullTimes pullTimes;
    @Autowired
    dev.registry.core.job.JobService jobs;

    private long newProject() {
        String project = "ret-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        return projects.create(project, false, null, "tester", null).id();
    }

    private String projectName(long id) {
        return jdbc.queryForObject("SELECT name FROM project WHERE id = ?", String.class, id);
    }

    private Digest pushImage(RepositoryName repo, String tag, String seed) throws Exception {
        Blob config = blob("{\"seed\":\"" + seed + "\"}");
        pushBlob(repo, config);
        return pushManifest(repo, tag, image(config).bytes()).digest();
    }

    private static Selection tags(String pattern, boolean untagged) {
        return new Selection("**", Decoration.INCLUDE, pattern, PatternKind.DOUBLESTAR, Decoration.INCLUDE, untagged);
    }

    @Test
    void a_pull_records_the_last_pulled_time_of_the_digest_it_served_once_flushed() throws Exception {
        RepositoryName repo = new RepositoryName(projectName(newProject()) + "/app");
        Digest digest = pushImage(repo, "1.0", "pulled");

        artifacts.pulled(repo, "1.0", digest);
        assertThat(pulledAt(repo, digest)).isZero();
        pullTimes.flush();

        assertThat(pulledAt(repo, digest)).isOne();
    }

    @Test
    void the_repository_keeps_the_latest_pull_of_any_of_its_manifests_for_the_repository_lists() throws Exception {
        RepositoryName repo = new RepositoryName(projectName(newProject()) + "/app");
        Digest first = pushImage(repo, "1.0", "first");
        Digest second = pushImage(repo, "2.0", "second");
        assertThat(repositoryPulledAt(repo)).isEmpty();

        artifacts.pulled(repo, "1.0", first);
        pullTimes.flush();
        assertThat(repositoryPulledAt(repo)).containsExactly(manifestPulledAt(repo, first));

        Thread.sleep(5);
        artifacts.pulled(repo, "2.0", second);
        pullTimes.flush();
        assertThat(manifestPulledAt(repo, second)).isAfter(manifestPulledAt(repo, first));
        assertThat(repositoryPulledAt(repo)).containsExactly(manifestPulledAt(repo, second));
    }

    private List<java.time.OffsetDateTime> repositoryPulledAt(RepositoryName repo) {
        return jdbc.queryForList("SELECT p.pulled_at FROM repository_pulled p JOIN repository r ON r.id = p.repository_id"
                + " WHERE r.name = ?", java.time.OffsetDateTime.class, repo.value());
    }

    private java.time.OffsetDateTime manifestPulledAt(RepositoryName repo, Digest digest) {
        return jdbc.queryForObject("SELECT m.pulled_at FROM manifest m JOIN repository r ON r.id = m.repository_id"
                + " WHERE r.name = ? AND m.digest = ?", java.time.OffsetDateTime.class, repo.value(), digest.toString());
    }

    private int pulledAt(RepositoryName repo, Digest digest) {
        return jdbc.queryForObject("SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id"
                + " WHERE r.name = ? AND m.digest = ? AND m.pulled_at IS NOT NULL", Integer.class, repo.value(), digest.toString());
    }

    @Test
    void a_dry_run_changes_nothing_and_a_run_deletes_exactly_what_it_listed_both_kept_in_the_history() throws Exception {
        // given 1.0 (immutable, signed), 2.0, 3.0 and an untagged image; the policy keeps the highest version
        long projectId = newProject();
        String project = projectName(projectId);
        RepositoryName repo = new RepositoryName(project + "/team/app");
        immutability.create(projectId, "**", "1.0", "tester");
        Digest v1 = pushImage(repo, "1.0", "one");
        Blob sigConfig = blob("{\"sig\":1}");
        pushBlob(repo, sigConfig);
        Digest signature = pushManifest(repo, "sha256-sig", image(sigConfig).artifactType("application/vnd.example.sig")
                .subject(v1, 100).bytes()).digest();
        artifacts.deleteManifest(repo, Reference.parse("sha256-sig"));
        Digest v2 = pushImage(repo, "2.0", "two");
        Digest v3 = pushImage(repo, "3.0", "three");
        Digest untagged = pushImage(repo, "scratch", "untagged");
        artifacts.deleteManifest(repo, Reference.parse("scratch"));
        retention.setPolicy(projectId, new RetentionPolicy(List.of(new RetentionRule.HighestSemver(tags("*.*", false), 1))),
                "tester");

        // when it runs dry
        Execution dry = retention.execute(projectId, true, "tester");

        // then nothing changed, and every artifact has its decision
        assertThat(manifestRows(repo)).isEqualTo(5);
        assertThat(dry.counts()).isEqualTo(new Execution.Counts(3, 0, 2));
        assertThat(dry.decisions()).filteredOn(d -> d.action() == Action.DELETE).extracting(Decision::digest)
                .containsExactlyInAnyOrder(v2.toString(), untagged.toString());
        assertThat(dry.decisions()).filteredOn(d -> d.digest().equals(v1.toString())).singleElement()
                .extracting(Decision::reason).isEqualTo("immutable tag 1.0");
        assertThat(dry.decisions()).filteredOn(d -> d.digest().equals(signature.toString())).singleElement()
                .extracting(Decision::reason).isEqualTo("kept with its subject " + v1);

        // when it runs for real
        Execution run = retention.execute(projectId, false, "tester");

        // then exactly the listed ones are gone
        assertThat(run.decisions()).isEqualTo(dry.decisions());
        assertThat(manifestRows(repo, v2)).isZero();
        assertThat(manifestRows(repo, untagged)).isZero();
        assertThat(manifestRows(repo)).isEqualTo(3);
        assertThat(artifacts.tags(repo, 10, null).items()).containsExactly("1.0", "3.0");
        assertThat(manifestRows(repo, v3)).isOne();

        // and the history has both, newest first, with per-repository counts and decisions
        assertThat(retention.executions(projectId, 0, 10)).extracting(Execution::id).containsExactly(run.id(), dry.id());
        assertThat(retention.countExecutions(projectId)).isEqualTo(2);
        Execution stored = retention.execution(projectId, dry.id());
        assertThat(stored.dryRun()).isTrue();
        assertThat(stored.repositories()).singleElement().satisfies(r -> {
            assertThat(r.repository()).isEqualTo(repo.value());
            assertThat(r.counts()).isEqualTo(new Execution.Counts(3, 0, 2));
        });
        assertThat(stored.decisions()).containsExactlyInAnyOrderElementsOf(dry.decisions());
        assertThat(retention.policy(projectId).rules()).hasSize(1);
    }

    @Test
    void the_children_of_a_kept_index_stay_and_those_of_a_deleted_one_go() throws Exception {
        long projectId = newProject();
        RepositoryName repo = new RepositoryName(projectName(projectId) + "/multi");
        Digest amd64 = pushImage(repo, "tmp-a", "amd64");
        Digest arm64 = pushImage(repo, "tmp-b", "arm64");
        Digest old = pushImage(repo, "tmp-c", "old");
        for (String tag : List.of("tmp-a", "tmp-b", "tmp-c")) {
            artifacts.deleteManifest(repo, Reference.parse(tag));
        }
        Digest keptIndex = pushIndex(repo, "release", amd64, arm64);
        Digest droppedIndex = pushIndex(repo, "nightly", old);
        retention.setPolicy(projectId, new RetentionPolicy(List.of(new RetentionRule.Always(tags("release", false)))), "tester");

        retention.execute(projectId, false, "tester");

        assertThat(manifestRows(repo, keptIndex)).isOne();
        assertThat(manifestRows(repo, amd64)).isOne();
        assertThat(manifestRows(repo, arm64)).isOne();
        assertThat(manifestRows(repo, droppedIndex)).isZero();
        assertThat(manifestRows(repo, old)).isZero();
    }

    /**
     * Issue 12, signatures the cosign way: a referrer signature (subject, cosign's artifact type) and a
     * {@code sha256-<hex>.sig} tagged one are Harbor's accessories: never counted, kept and deleted with their subject.
     */
    @Test
    void signatures_by_subject_and_by_cosign_tag_are_deleted_with_their_subject_and_kept_with_it_never_counted() throws Exception {
        // given 1.0 and 2.0, each then signed both ways (the signatures are the newest pushes), and an immutability
        // rule on every cosign tag, which must not keep a signature on its own
        long projectId = newProject();
        RepositoryName repo = new RepositoryName(projectName(projectId) + "/signed");
        immutability.create(projectId, "**", "sha256-*", "tester");
        Digest v1 = pushImage(repo, "1.0", "signed-one");
        Digest v2 = pushImage(repo, "2.0", "signed-two");
        Digest[] v1Signatures = sign(repo, v1);
        Digest[] v2Signatures = sign(repo, v2);
        retention.setPolicy(projectId, new RetentionPolicy(List.of(new RetentionRule.LatestPushed(tags("**", false), 1))),
                "tester");

        // when the policy keeping the most recently pushed tagged artifact runs
        Execution run = retention.execute(projectId, false, "tester");

        // then 2.0 is that artifact (not its newer signature tag) and keeps both signatures; 1.0 went with both of its own
        assertThat(run.inScope()).isEqualTo(6);
        assertThat(run.counts()).isEqualTo(new Execution.Counts(3, 0, 3));
        assertThat(manifestRows(repo, v2) + manifestRows(repo, v2Signatures[0]) + manifestRows(repo, v2Signatures[1])).isEqualTo(3);
        assertThat(manifestRows(repo, v1) + manifestRows(repo, v1Signatures[0]) + manifestRows(repo, v1Signatures[1])).isZero();
        assertThat(artifacts.tags(repo, 10, null).items()).containsExactly("2.0", cosignTag(v2, "sig"));
        assertThat(run.decisions()).filteredOn(d -> d.digest().equals(v2Signatures[1].toString())).singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo("kept with its subject " + v2));
        assertThat(run.decisions()).filteredOn(d -> d.digest().equals(v1Signatures[1].toString())).singleElement()
                .satisfies(d -> {
                    assertThat(d.action()).isEqualTo(Action.DELETE);
                    assertThat(d.reason()).isEqualTo("its subject " + v1 + " is deleted");
                });
    }

    @Test
    void a_long_real_run_shows_its_progress_in_the_history_while_it_goes_on() throws Exception {
        // given 130 tagged images and a policy keeping the 10 most recently pushed
        long projectId = newProject();
        RepositoryName repo = new RepositoryName(projectName(projectId) + "/app");
        for (int i = 0; i < 130; i++) {
            pushImage(repo, "t" + i, "progress-" + i);
        }
        retention.setPolicy(projectId, new RetentionPolicy(List.of(new RetentionRule.LatestPushed(tags("**", false), 10))),
                "tester");

        // when it runs for real, reading the history each time it reports progress
        List<String> seen = new java.util.ArrayList<>();
        Execution run = retention.execute(projectId, false, "tester", (done, inScope) -> seen.add(done + "/" + inScope + " "
                + jdbc.queryForObject("SELECT (CASE WHEN finished_at IS NULL THEN 'running' ELSE 'finished' END) || ' '"
                        + " || (retained + untagged + deleted) || ' of ' || in_scope FROM retention_execution WHERE project_id = ?"
                        + " ORDER BY id DESC LIMIT 1", String.class, projectId)));

        // then mid-run the execution was visible as running with its counts so far, and at the end as finished
        assertThat(seen).containsExactly("100/130 running 100 of 130", "130/130 finished 130 of 130");
        assertThat(run.inScope()).isEqualTo(130);
        assertThat(run.counts().deleted()).isEqualTo(120);
        assertThat(retention.execution(projectId, run.id()).decisions()).hasSize(130);
    }

    @Test
    void the_retention_job_given_projects_runs_only_their_policies() throws Exception {
        // given two projects with a policy deleting everything untagged-or-not but one image
        long mine = newProject();
        long other = newProject();
        for (long projectId : List.of(mine, other)) {
            RepositoryName repo = new RepositoryName(projectName(projectId) + "/app");
            pushImage(repo, "a", "job-a-" + projectId);
            pushImage(repo, "b", "job-b-" + projectId);
            retention.setPolicy(projectId, new RetentionPolicy(List.of(new RetentionRule.LatestPushed(tags("**", false), 1))),
                    "tester");
        }

        // when the job runs for one of them (as a due policy schedule starts it)
        var run = jobs.run(dev.registry.core.retention.RetentionJob.NAME, dev.registry.core.job.JobService.SCHEDULE, "system",
                java.util.Map.of(dev.registry.core.retention.RetentionJob.PROJECTS, Long.toString(mine)));

        // then only that project lost an image
        assertThat(run.summary()).startsWith("1 of 1 project policies run");
        assertThat(manifestRows(new RepositoryName(projectName(mine) + "/app"))).isOne();
        assertThat(manifestRows(new RepositoryName(projectName(other) + "/app"))).isEqualTo(2);
    }

    /**
     * Issue 11, security 2: a stored regular expression RE2 refuses (saved when patterns ran on
     * java.util.regex) does not stop the other projects' runs; the job ends FAILED naming it, and
     * that project loses nothing (skipping the rule would delete what it retains).
     */
    @Test
    void the_retention_job_runs_the_other_projects_when_a_stored_rule_no_longer_compiles_and_fails_naming_it()
            throws Exception {
        // given two projects keeping the newest of a and b, one of whose stored rules no longer compiles
        long broken = newProject();
        long fine = newProject();
        for (long projectId : List.of(broken, fine)) {
            RepositoryName repo = new RepositoryName(projectName(projectId) + "/app");
            pushImage(repo, "a", "re2-a-" + projectId);
            pushImage(repo, "b", "re2-b-" + projectId);
            retention.setPolicy(projectId, new RetentionPolicy(List.of(new RetentionRule.LatestPushed(
                    new Selection("**", Decoration.INCLUDE, "[ab]", PatternKind.REGEX, Decoration.INCLUDE, false), 1))),
                    "tester");
        }
        jdbc.update("UPDATE retention_policy SET rules = REPLACE(rules, ?, ?) WHERE project_id = ?", "[ab]", "(a)\\\\1", broken);

        // when the job runs for both
        var run = jobs.run(dev.registry.core.retention.RetentionJob.NAME, dev.registry.core.job.JobService.SCHEDULE, "system",
                java.util.Map.of(dev.registry.core.retention.RetentionJob.PROJECTS, broken + "," + fine));

        // then the fine project's run happened, the broken one's did not, and the run says which and why
        assertThat(run.state()).isEqualTo(dev.registry.core.job.JobRun.State.FAILED);
        assertThat(run.summary()).startsWith("1 of 2 project policies run").contains("project id " + broken)
                .contains("rules[0].tagPattern").contains("backreferences").doesNotContain("Exception");
        assertThat(manifestRows(new RepositoryName(projectName(broken) + "/app"))).isEqualTo(2);
        assertThat(manifestRows(new RepositoryName(projectName(fine) + "/app"))).isOne();
    }

    @Test
    void a_policy_schedule_is_claimed_once_when_due_given_back_when_the_run_could_not_start_and_checked() {
        // given a policy that runs every second
        long projectId = newProject();
        retention.setPolicy(projectId, new RetentionPolicy(List.of(new RetentionRule.Always(tags("**", true))), "* * * * * *"),
                "tester");
        assertThat(retention.policy(projectId).schedule()).isEqualTo("* * * * * *");
        java.time.Instant later = java.time.Instant.now().plusSeconds(2);

        // when two replicas look at the same moment, then one claims the project
        assertThat(retention.claimScheduled(later)).containsKey(projectId);
        assertThat(retention.claimScheduled(later)).doesNotContainKey(projectId);

        // when the claim is given back (the run was skipped), then the next look claims it again
        var again = retention.claimScheduled(later.plusSeconds(5));
        assertThat(again).containsKey(projectId);
        retention.unclaim(again, later.plusSeconds(5));
        assertThat(retention.claimScheduled(later.plusSeconds(5))).containsKey(projectId);

        // and a policy without a schedule is never claimed; a bad schedule is refused naming the field
        retention.setPolicy(projectId, new RetentionPolicy(List.of(new RetentionRule.Always(tags("**", true)))), "tester");
        assertThat(retention.claimScheduled(later.plusSeconds(3600))).doesNotContainKey(projectId);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> retention.setPolicy(projectId,
                        new RetentionPolicy(List.of(new RetentionRule.Always(tags("**", true))), "nightly"), "tester"))
                .isInstanceOf(RegistryException.class).hasMessageContaining("schedule is not a cron expression");
    }

    @Test
    void a_second_real_run_of_a_project_is_refused_while_one_holds_its_lock_and_a_dry_run_is_not() {
        long projectId = newProject();
        var held = locks.lock(new net.javacrumbs.shedlock.core.LockConfiguration(java.time.Instant.now(),
                "retention-project-" + projectId, java.time.Duration.ofMinutes(1), java.time.Duration.ZERO)).orElseThrow();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> retention.execute(projectId, false, "tester"))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("in progress");
            assertThat(retention.execute(projectId, true, "tester").dryRun()).isTrue();
        } finally {
            held.unlock();
        }
        assertThat(retention.execute(projectId, false, "tester").dryRun()).isFalse();
    }
}
