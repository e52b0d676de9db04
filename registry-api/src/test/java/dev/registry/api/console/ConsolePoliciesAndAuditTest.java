package dev.registry.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import dev.registry.api.access.AccessFixture;
import dev.registry.core.access.Action;
import dev.registry.core.access.PermissionMatrix;
import dev.registry.core.audit.AuditService;
import dev.registry.core.immutability.ImmutabilityService;
import dev.registry.core.project.ProjectService;
import dev.registry.core.project.Role;
import dev.registry.core.retention.RetentionService;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 13, page 7 (Policies: tag immutability, the retention policy editor, dry runs, runs and
 * their live progress), page 8 (Usage and audit) and the administration's audit log of page 9,
 * over HTTP as signed-in users of every role: each is offered what {@link PermissionMatrix} allows,
 * a refused change posted by hand changes nothing, what the console sets is what {@code /v2} and
 * the retention engine then do, and bad input is answered in words next to its field.
 */
@RegistryIntegrationTest
class ConsolePoliciesAndAuditTest {

    private static final AtomicInteger IMAGES = new AtomicInteger();
    private static final Pattern EXECUTION = Pattern.compile("/policies/executions/(\\d+)$");

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    ImmutabilityService immutability;
    @Autowired
    RetentionService retention;
    @Autowired
    ProjectService projects;
    @Autowired
    AuditService audit;
    @Autowired
    JdbcTemplate jdbc;

    private AccessFixture fixture;
    private long projectId;

    @BeforeEach
    void fixture() {
        fixture = AccessFixture.create(context);
        projectId = projects.require(fixture.project).id();
    }

    private Browser signedIn(String caller) {
        String[] credentials = fixture.credentials(caller).split(":", 2);
        Browser browser = new Browser(port);
        assertThat(browser.signIn(credentials[0], credentials[1]).statusCode()).isEqualTo(302);
        return browser;
    }

    private String policies() {
        return "/projects/" + fixture.project + "/policies";
    }

    /** Pushes a small image of its own under {@code tag} as the system admin; answers its digest. */
    private String push(String repository, String tag) {
        RegistryClient admin = new RegistryClient(port);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"console\":" + IMAGES.incrementAndGet() + "}").getBytes();
        byte[] layer = ("layer " + IMAGES.incrementAndGet()).getBytes();
        String manifest = TestImages.ociManifest(admin.pushBlob(repository, config), config.length,
                admin.pushBlob(repository, layer), layer.length);
        HttpResponse<String> pushed = admin.pushManifest(repository, tag, TestImages.OCI_MANIFEST, manifest);
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        return RegistryClient.digest(manifest.getBytes());
    }

    @Test
    void eachRoleIsOfferedPoliciesAndAuditExactlyAsPermissionMatrixAllows() {
        for (String caller : new String[] {"admin", "project-admin", "maintainer", "developer", "guest", "limited-guest"}) {
            Set<Action> allowed = caller.equals("admin") ? EnumSet.allOf(Action.class)
                    : PermissionMatrix.of(Role.valueOf(caller.toUpperCase().replace('-', '_')));
            boolean policiesAllowed = allowed.contains(Action.MANAGE_POLICIES);
            boolean auditAllowed = allowed.contains(Action.READ_AUDIT);
            Browser browser = signedIn(caller);

            String project = browser.get("/projects/" + fixture.project).body();
            assertThat(project.contains("href=\"" + policies() + "\"")).as(caller + ": policies tab").isEqualTo(policiesAllowed);
            assertThat(project.contains("href=\"/projects/" + fixture.project + "/audit\"")).as(caller + ": audit tab")
                    .isEqualTo(auditAllowed);

            HttpResponse<String> page = browser.get(policies());
            assertThat(page.statusCode()).as(caller + ": policies page").isEqualTo(policiesAllowed ? 200 : 403);
            assertThat(page.body().contains("id=\"immutability-form\"")).as(caller).isEqualTo(policiesAllowed);
            assertThat(page.body().contains("id=\"rule-form\"")).as(caller).isEqualTo(policiesAllowed);

            HttpResponse<String> usage = browser.get("/projects/" + fixture.project + "/audit");
            assertThat(usage.statusCode()).as(caller + ": audit page").isEqualTo(auditAllowed ? 200 : 403);
            // only a system admin sets a quota
            assertThat(usage.body().contains("id=\"quota-form\"")).as(caller + ": quota form").isEqualTo(caller.equals("admin"));
            assertThat(browser.get("/admin/audit").statusCode()).as(caller + ": whole audit log")
                    .isEqualTo(caller.equals("admin") ? 200 : 403);
        }
        assertThat(signedIn("outsider").get(policies()).statusCode()).isEqualTo(404);
    }

    @Test
    void aPolicyChangePostedByHandByADeveloperIsRefusedAndChangesNothing() {
        long rule = immutability.create(projectId, "**", "keep-*", "admin").id();
        Browser developer = signedIn("developer");
        developer.get("/projects/" + fixture.project); // a page with the CSRF token
        Map<String, String[]> posts = Map.of(
                policies() + "/immutability", new String[] {"repositoryPattern", "**", "tagPattern", "v*"},
                policies() + "/immutability/" + rule + "/delete", new String[] {},
                policies() + "/retention/rules", new String[] {"template", "always", "repositoryPattern", "**", "tagPattern", "**"},
                policies() + "/retention/schedule", new String[] {"schedule", "0 0 3 * * *"},
                policies() + "/retention/dry-run", new String[] {},
                policies() + "/retention/run", new String[] {},
                "/projects/" + fixture.project + "/audit/quota", new String[] {"quota", "1", "unit", "GiB"});
        posts.forEach((path, fields) -> {
            HttpResponse<String> refused = developer.post(path, true, fields);
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(refused.body()).as(path).contains("403").doesNotContain("Exception");
        });
        assertThat(immutability.rules(fixture.project)).extracting(r -> r.tagPattern()).containsExactly("keep-*");
        assertThat(retention.policy(projectId).rules()).isEmpty();
        assertThat(retention.policy(projectId).schedule()).isNull();
        assertThat(retention.countExecutions(projectId)).isZero();
        assertThat(projects.require(fixture.project).quotaBytes()).isNull();
    }

    @Test
    void anImmutabilityRuleAddedInTheConsoleRefusesAPushOverTheTagOnV2AndItsRemovalIsConfirmedFirst() {
        String repository = fixture.project + "/team/app";
        push(repository, "v1");
        Browser maintainer = signedIn("maintainer");
        maintainer.get(policies());
        HttpResponse<String> added = maintainer.post(policies() + "/immutability", true, "repositoryPattern", "team/**",
                "tagPattern", "v*");
        assertThat(added.statusCode()).isEqualTo(302);
        assertThat(maintainer.get(policies()).body()).contains("<code>team/**</code>", "<code>v*</code>");

        // Harbor semantics: a protected tag cannot be moved to another digest
        RegistryClient admin = new RegistryClient(port);
        byte[] config = "{\"os\":\"linux\",\"moved\":true}".getBytes();
        byte[] layer = "another layer".getBytes();
        String other = TestImages.ociManifest(admin.pushBlob(repository, config), config.length,
                admin.pushBlob(repository, layer), layer.length);
        HttpResponse<String> refused = admin.pushManifest(repository, "v1", TestImages.OCI_MANIFEST, other);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("DENIED", "immutable");
        assertThat(immutability.protecting(new dev.registry.core.artifact.RepositoryName(repository),
                java.util.List.of("v1", "latest"))).containsOnlyKeys("v1");

        long id = immutability.rules(fixture.project).getFirst().id();
        HttpResponse<String> confirm = maintainer.get(policies() + "/immutability/" + id + "/delete");
        assertThat(confirm.body()).contains("will no longer be immutable", "team/**", "Remove the rule");
        assertThat(immutability.rules(fixture.project)).hasSize(1); // asking changes nothing
        assertThat(maintainer.post(policies() + "/immutability/" + id + "/delete", true).statusCode()).isEqualTo(302);
        assertThat(immutability.rules(fixture.project)).isEmpty();
        assertThat(admin.pushManifest(repository, "v1", TestImages.OCI_MANIFEST, other).statusCode()).isEqualTo(201);
    }

    @Test
    void aRetentionRuleWrittenInTheConsoleAndItsDryRunListEveryArtifactWithItsDecisionAndReason() {
        String repository = fixture.project + "/app";
        String older = push(repository, "a");
        String old = push(repository, "b");
        String newest = push(repository, "c");
        Browser maintainer = signedIn("maintainer");
        maintainer.get(policies());
        assertThat(maintainer.post(policies() + "/retention/rules", true, "template", "latestPushed", "count", "1",
                "repositoryPattern", "**", "repositoryDecoration", "INCLUDE", "tagPattern", "**", "tagPatternKind", "DOUBLESTAR",
                "tagDecoration", "INCLUDE").statusCode()).isEqualTo(302);
        assertThat(maintainer.get(policies()).body()).contains("the 1 most recently pushed");

        HttpResponse<String> dryRun = maintainer.post(policies() + "/retention/dry-run", true);
        assertThat(dryRun.statusCode()).isEqualTo(302);
        String location = dryRun.headers().firstValue("Location").orElseThrow();
        Matcher execution = EXECUTION.matcher(location);
        assertThat(execution.find()).as(location).isTrue();
        String page = maintainer.get(location.replaceFirst("^https?://[^/]+", "")).body();
        // docs/retention.md "Dry run and history": every artifact in scope with its decision and reason
        assertThat(page).contains("Dry run #" + execution.group(1), "1 retained", "2 to delete",
                "rule 1 keeps the 1 most recently pushed", "no rule retains it", repository,
                newest.substring(0, 19), old.substring(0, 19), older.substring(0, 19));
        assertThat(page.split("class=\"decision\"", -1)).hasSize(4);
        // a dry run changes nothing
        assertThat(new RegistryClient(port).send("HEAD", "/v2/" + repository + "/manifests/a").statusCode()).isEqualTo(200);
    }

    @Test
    void runNowIsConfirmedThenCreatesAnExecutionThatFinishesAndIsListedWithItsCounts() throws InterruptedException {
        String repository = fixture.project + "/app";
        push(repository, "old");
        push(repository, "new");
        Browser maintainer = signedIn("maintainer");
        maintainer.get(policies());
        maintainer.post(policies() + "/retention/rules", true, "template", "latestPushed", "count", "1",
                "repositoryPattern", "**", "tagPattern", "**");
        HttpResponse<String> confirm = maintainer.get(policies() + "/retention/run");
        assertThat(confirm.body()).contains("deletes", "Run now and delete");
        assertThat(retention.countExecutions(projectId)).isZero();

        assertThat(maintainer.post(policies() + "/retention/run", true).statusCode()).isEqualTo(302);
        String fragment = maintainer.get(policies() + "/executions").body();
        for (int i = 0; i < 300 && !fragment.contains("data-state=\"finished\""); i++) {
            Thread.sleep(100); // waiting for the run's thread, as the page's polling does; no time is asserted
            fragment = maintainer.get(policies() + "/executions").body();
        }
        assertThat(fragment).contains("data-state=\"finished\"", " run</a>").doesNotContain("every 2s");
        assertThat(retention.executions(projectId, 0, 10)).singleElement().satisfies(e -> {
            assertThat(e.counts().retained()).isEqualTo(1);
            assertThat(e.counts().deleted()).isEqualTo(1);
            assertThat(e.triggeredBy()).isEqualTo(fixture.credentials("maintainer").split(":")[0]);
        });
        assertThat(new RegistryClient(port).send("HEAD", "/v2/" + repository + "/manifests/old").statusCode()).isEqualTo(404);
        assertThat(new RegistryClient(port).send("HEAD", "/v2/" + repository + "/manifests/new").statusCode()).isEqualTo(200);
        // the deletion is audited as the maintainer who started the run, with the execution as its cause
        audit.flush();
        String log = maintainer.get("/projects/" + fixture.project + "/audit?operation=delete").body();
        assertThat(log).contains(fixture.credentials("maintainer").split(":")[0], "retention-execution:");
    }

    @Test
    void whileARunGoesOnItsRowShowsProgressAndThePageAsksAgainEveryTwoSecondsUntilItHasFinished() {
        // an execution as a real run leaves it while it carries its decisions out (docs/retention.md, progress)
        jdbc.update("INSERT INTO retention_execution (project_id, dry_run, triggered_by, started_at, in_scope, retained,"
                + " untagged, deleted) VALUES (?, false, 'someone', ?, 10, 2, 0, 3)", projectId, java.time.OffsetDateTime.now());
        Browser maintainer = signedIn("maintainer");
        String running = maintainer.get(policies()).body();
        assertThat(running).contains("hx-trigger=\"every 2s\"", "hx-get=\"" + policies() + "/executions\"",
                "data-state=\"running\"", "5 of 10", "<progress");
        assertThat(maintainer.get(policies() + "/executions").body()).contains("hx-trigger=\"every 2s\"")
                .doesNotContain("<html");

        jdbc.update("UPDATE retention_execution SET finished_at = ? WHERE project_id = ?", java.time.OffsetDateTime.now(), projectId);
        String finished = maintainer.get(policies() + "/executions").body();
        assertThat(finished).contains("data-state=\"finished\"").doesNotContain("hx-trigger", "hx-get");
    }

    @Test
    void theAuditPageFiltersByOperationResourceAndTimeAndTheAdministrationsLogIsTheSameList() {
        push(fixture.project + "/audited", "v1");
        Browser maintainer = signedIn("maintainer");
        maintainer.get(policies());
        maintainer.post(policies() + "/immutability", true, "repositoryPattern", "**", "tagPattern", "release-*");
        audit.flush();
        String auditPage = "/projects/" + fixture.project + "/audit";

        String pushes = maintainer.get(auditPage + "?operation=push").body();
        assertThat(pushes).contains("<title>Usage and audit · " + fixture.project + " · registry</title>",
                fixture.project + "/audited:v1", "<option value=\"push\" selected=\"selected\">push</option>");
        assertThat(operations(pushes)).containsOnly("push");

        String updates = maintainer.get(auditPage + "?operation=update").body();
        assertThat(operations(updates)).contains("update").doesNotContain("push");
        // the console's change is the maintainer's in the log, not the system's
        assertThat(updates).contains("added immutability rule", fixture.credentials("maintainer").split(":")[0]);

        assertThat(operations(maintainer.get(auditPage + "?resource=audited:v1").body())).containsExactly("push");
        assertThat(maintainer.get(auditPage + "?operation=push&to=2000-01-01").body()).contains("No entry matches.");

        Browser admin = signedIn("admin");
        String whole = admin.get("/admin/audit?project=" + fixture.project + "&operation=push").body();
        assertThat(whole).contains("<title>Audit log · Administration · registry</title>", fixture.project + "/audited:v1",
                "id=\"audit-project\"");
        assertThat(operations(whole)).containsOnly("push");
    }

    private static java.util.List<String> operations(String page) {
        return Pattern.compile("<td class=\"operation\">([^<]+)</td>").matcher(page).results().map(m -> m.group(1)).toList();
    }

    @Test
    void badPatternsCronsCountsAndDatesAreRefusedInWordsNextToTheirFieldWhatWasTypedKept() {
        Browser maintainer = signedIn("maintainer");
        maintainer.get(policies());

        HttpResponse<String> regex = maintainer.post(policies() + "/retention/rules", true, "template", "latestPushed",
                "count", "3", "repositoryPattern", "**", "tagPattern", "(v)\\1", "tagPatternKind", "REGEX");
        assertThat(regex.statusCode()).isEqualTo(200);
        assertThat(regex.body()).contains("id=\"tagPattern-error\"", "backreference").contains("value=\"(v)\\1\"");

        HttpResponse<String> count = maintainer.post(policies() + "/retention/rules", true, "template", "pushedWithinDays",
                "count", "ten", "repositoryPattern", "**", "tagPattern", "**");
        assertThat(count.body()).contains("id=\"count-error\"", "is not a whole number of days", "value=\"ten\"");

        HttpResponse<String> repositoryPattern = maintainer.post(policies() + "/retention/rules", true, "template", "always",
                "repositoryPattern", "team/{a", "tagPattern", "**");
        assertThat(repositoryPattern.body()).contains("id=\"repositoryPattern-error\"", "without");

        HttpResponse<String> cron = maintainer.post(policies() + "/retention/schedule", true, "schedule", "every night");
        assertThat(cron.statusCode()).isEqualTo(200);
        assertThat(cron.body()).contains("id=\"schedule-error\"", "value=\"every night\"");
        assertThat(retention.policy(projectId).rules()).isEmpty();
        assertThat(retention.policy(projectId).schedule()).isNull();

        HttpResponse<String> tag = maintainer.post(policies() + "/immutability", true, "repositoryPattern", "**", "tagPattern", "");
        assertThat(tag.body()).contains("id=\"imm-tagPattern-error\"", "a pattern has 1 to 255 characters");
        assertThat(immutability.rules(fixture.project)).isEmpty();

        // a policy stored before patterns were matched by RE2 cannot run (docs/retention.md): said next to the buttons
        jdbc.update("INSERT INTO retention_policy (project_id, rules, updated_by, updated_at) VALUES (?, ?, 'old', ?)", projectId,
                "{\"rules\":[{\"template\":\"always\",\"selection\":{\"repositoryPattern\":\"**\",\"tagPattern\":\"(a)\\\\1\","
                        + "\"tagPatternKind\":\"REGEX\",\"untagged\":false}}]}", java.time.OffsetDateTime.now());
        HttpResponse<String> stale = maintainer.post(policies() + "/retention/dry-run", true);
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).contains("id=\"run-error\"", "cannot run until it is replaced");
        assertThat(retention.countExecutions(projectId)).isZero();

        HttpResponse<String> date = maintainer.get("/projects/" + fixture.project + "/audit?from=yesterday&to=2026-02-30");
        assertThat(date.body()).contains("id=\"audit-from-error\"", "is not a date and time", "id=\"audit-to-error\"",
                "value=\"yesterday\"", "Correct the filter");
        HttpResponse<String> backwards = maintainer.get("/projects/" + fixture.project + "/audit?from=2026-02-02&to=2026-02-01");
        assertThat(backwards.body()).contains("id=\"audit-to-error\"", "must be later than");
    }
}
