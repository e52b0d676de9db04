package dev.registry.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import dev.registry.api.access.AccessFixture;
import dev.registry.core.access.User;
import dev.registry.core.access.UserService;
import dev.registry.core.gc.GcRun;
import dev.registry.core.gc.GcService;
import dev.registry.core.gc.GcSettings;
import dev.registry.core.job.JobService;
import dev.registry.core.project.ProjectService;
import dev.registry.core.project.Role;
import dev.registry.core.quota.ByteSizes;
import dev.registry.web.pages.ConsoleFormat;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Random;
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
 * Issue 13, pages 9 (Administration: users, garbage collection, jobs, system) and 10 (Account),
 * over HTTP with {@link Browser}: only system admins open or use the administration pages (a
 * hand-made post of anyone else is refused and changes nothing); what an admin does there is real
 * (a user created in the console pulls on /v2, a collection frees bytes); a changed password keeps
 * this browser signed in and ends the other sessions and the old password. The shared admin's
 * password and flags are never changed: the tests make users of their own.
 */
@RegistryIntegrationTest
class ConsoleAdminAndAccountTest {

    private static final AtomicInteger NAMES = new AtomicInteger();
    /** The password rule as a page shows it (HTML-escaped). */
    private static final String RULE = UserService.PASSWORD_RULE.replace("'", "&#39;");
    private static final Pattern RUN = Pattern.compile("/runs/(\\d+)$");

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    UserService users;
    @Autowired
    ProjectService projects;
    @Autowired
    GcService gc;
    @Autowired
    JobService jobs;
    @Autowired
    ConsoleFormat format;
    @Autowired
    JdbcTemplate jdbc;

    private AccessFixture fixture;
    private Browser admin;

    @BeforeEach
    void signIn() {
        fixture = AccessFixture.create(context);
        admin = new Browser(port);
        assertThat(admin.signIn(RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD).statusCode()).isEqualTo(302);
    }

    private static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100000;
    }

    private Browser signedIn(String caller) {
        String[] credentials = fixture.credentials(caller).split(":", 2);
        Browser browser = new Browser(port);
        assertThat(browser.signIn(credentials[0], credentials[1]).statusCode()).isEqualTo(302);
        return browser;
    }

    private int v2(String username, String password) {
        return new RegistryClient(port, username, password).send("GET", "/v2/").statusCode();
    }

    private static long runId(HttpResponse<String> started) {
        assertThat(started.statusCode()).isEqualTo(302);
        Matcher m = RUN.matcher(started.headers().firstValue("Location").orElseThrow());
        assertThat(m.find()).as("redirect to the run's page: %s", started.headers().firstValue("Location")).isTrue();
        return Long.parseLong(m.group(1));
    }

    /**
     * Polls a run's progress fragment as htmx would (every poll is checked: a running run's fragment
     * carries the 2 s trigger, a finished one's does not) until the run has finished.
     */
    private String followToTheEnd(String progressPath) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            HttpResponse<String> fragment = admin.get(progressPath);
            assertThat(fragment.statusCode()).isEqualTo(200);
            assertThat(fragment.body()).doesNotContain("<html", "<header");
            boolean running = fragment.body().contains("<dd class=\"state\">running");
            assertThat(fragment.body().contains("hx-trigger=\"every 2s\"")).as(fragment.body()).isEqualTo(running);
            if (!running) {
                return fragment.body();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run at " + progressPath + " did not finish");
    }

    @Test
    void page9_everyAdministrationPageIsTheConsoles403ForAnyoneButASystemAdmin() {
        Browser developer = signedIn("developer");
        User someone = users.create(unique("someone"), AccessFixture.PASSWORD, null, null, false);
        long anyRun = gc.start(true, false, "test").id();
        for (String path : new String[] {"/admin", "/admin/users", "/admin/users?q=a", "/admin/users/" + someone.id(),
                "/admin/users/" + someone.id() + "/delete", "/admin/gc", "/admin/gc/run", "/admin/gc/runs/" + anyRun,
                "/admin/gc/runs/" + anyRun + "/progress", "/admin/jobs", "/admin/jobs/upload-cleanup",
                "/admin/jobs/gc/runs/" + anyRun, "/admin/jobs/gc/runs/" + anyRun + "/progress", "/admin/system"}) {
            HttpResponse<String> page = developer.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(403);
            assertThat(page.body()).as(path).contains("403 Forbidden", "is not a system administrator").doesNotContain("Exception");
        }
        assertThat(developer.get("/projects").body()).doesNotContain("Administration");
        assertThat(admin.get("/projects").body()).contains("Administration");
        HttpResponse<String> root = admin.get("/admin");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location").orElseThrow()).endsWith("/admin/users");
    }

    @Test
    void page9_aHandMadePostOfANonAdminIsRefusedAndChangesNothing() {
        Browser projectAdmin = signedIn("project-admin");
        projectAdmin.get("/projects"); // a page with the CSRF token, as a crafted form would carry
        String name = unique("crafted");
        User victim = users.create(unique("victim"), AccessFixture.PASSWORD, null, null, false);
        long me = users.find(fixture.credentials("project-admin").split(":")[0]).orElseThrow().id();
        GcSettings schedule = gc.settings();
        long gcRuns = gc.countRuns();
        long cleanups = jobs.countRuns("upload-cleanup");

        for (HttpResponse<String> refused : java.util.List.of(
                projectAdmin.post("/admin/users", true, "username", name, "password", "Crafted-Pass1"),
                projectAdmin.post("/admin/users/" + victim.id() + "/password", true, "password", "Taken-Over1"),
                projectAdmin.post("/admin/users/" + me + "/admin", true, "systemAdmin", "true"),
                projectAdmin.post("/admin/users/" + victim.id() + "/login-failures/clear", true),
                projectAdmin.post("/admin/users/" + victim.id() + "/delete", true),
                projectAdmin.post("/admin/gc/runs", true, "dryRun", "false"),
                projectAdmin.post("/admin/gc/schedule", true, "schedule", "0 0 1 * * *"),
                projectAdmin.post("/admin/jobs/upload-cleanup/runs", true))) {
            // refused by the access check (the form carried a valid CSRF token), as the console's own page
            assertThat(refused.statusCode()).as(refused.uri().toString()).isEqualTo(403);
            assertThat(refused.body()).contains("is not a system administrator");
        }

        assertThat(users.find(name)).isEmpty();
        assertThat(v2(victim.username(), AccessFixture.PASSWORD)).isEqualTo(200);
        assertThat(users.require(me).systemAdmin()).isFalse();
        assertThat(users.find(victim.username())).isPresent();
        assertThat(gc.settings().schedule()).isEqualTo(schedule.schedule());
        assertThat(gc.countRuns()).isEqualTo(gcRuns);
        assertThat(jobs.countRuns("upload-cleanup")).isEqualTo(cleanups);
    }

    @Test
    void page9_aUserCreatedInTheConsoleSignsInOnV2AndTheServersRefusalsAreShownNextToTheField() {
        String name = unique("made");
        assertThat(admin.get("/admin/users").body()).contains("<title>Users · Administration · registry</title>",
                "class=\"crumbs\"", "<h1>Users</h1>", RULE);

        HttpResponse<String> weak = admin.post("/admin/users", true, "username", name, "password", "weak");
        assertThat(weak.statusCode()).isEqualTo(200);
        assertThat(weak.body()).contains("id=\"password-error\"", RULE).contains("value=\"" + name + "\"")
                .doesNotContain("id=\"username-error\"");
        HttpResponse<String> badName = admin.post("/admin/users", true, "username", "Robot Name", "password", "Good-Pass1");
        assertThat(badName.body()).contains("id=\"username-error\"", "invalid username").contains("value=\"Robot Name\"");
        assertThat(users.find(name)).isEmpty();

        HttpResponse<String> created = admin.post("/admin/users", true, "username", name, "password", "Good-Pass1");
        assertThat(created.statusCode()).isEqualTo(302);
        User user = users.find(name).orElseThrow();
        assertThat(created.headers().firstValue("Location").orElseThrow()).endsWith("/admin/users/" + user.id() + "?created");
        assertThat(user.systemAdmin()).isFalse();
        assertThat(v2(name, "Good-Pass1")).isEqualTo(200);
        assertThat(admin.post("/admin/users", true, "username", name, "password", "Good-Pass1").body())
                .contains("id=\"username-error\"", "already exists");

        HttpResponse<String> found = admin.get("/admin/users?q=" + name);
        assertThat(found.body()).contains(">" + name + "</a>").doesNotContain(">" + RegistryIntegrationTest.ADMIN + "</a>");
        assertThat(admin.get("/admin/users?q=no-such-user-here").body()).contains("No user matches.");
    }

    @Test
    void page9_resetPasswordAdminFlagAndUnlockWorkAndTheBuiltInAdminIsNotOfferedWhatItCannotHave() {
        User user = users.create(unique("reset"), AccessFixture.PASSWORD, null, null, false);
        HttpResponse<String> page = admin.get("/admin/users/" + user.id());
        assertThat(page.body()).contains("<title>" + user.username() + " · Users · registry</title>", "Make system administrator",
                "/admin/users/" + user.id() + "/delete");

        assertThat(admin.post("/admin/users/" + user.id() + "/password", true, "password", "short").body())
                .contains("id=\"password-error\"", RULE);
        assertThat(v2(user.username(), AccessFixture.PASSWORD)).isEqualTo(200);
        assertThat(admin.post("/admin/users/" + user.id() + "/password", true, "password", "Reset-Pass9").statusCode()).isEqualTo(302);
        assertThat(v2(user.username(), AccessFixture.PASSWORD)).isEqualTo(401);
        assertThat(v2(user.username(), "Reset-Pass9")).isEqualTo(200);

        assertThat(admin.post("/admin/users/" + user.id() + "/admin", true, "systemAdmin", "true").statusCode()).isEqualTo(302);
        assertThat(users.require(user.id()).systemAdmin()).isTrue();
        assertThat(admin.get("/admin/users/" + user.id()).body()).contains("Remove system administrator");
        assertThat(admin.post("/admin/users/" + user.id() + "/admin", true, "systemAdmin", "false").statusCode()).isEqualTo(302);
        assertThat(users.require(user.id()).systemAdmin()).isFalse();

        // DELETE /api/v1/users/{id}/login-failures through the same service: a locked-out user may sign in at once
        int status = 0;
        for (int i = 0; i < 20 && status != 429; i++) {
            status = v2(user.username(), "Wrong-Pass" + i);
        }
        assertThat(status).as("failed sign-ins make the user wait").isEqualTo(429);
        HttpResponse<String> unlocked = admin.post("/admin/users/" + user.id() + "/login-failures/clear", true);
        assertThat(unlocked.headers().firstValue("Location").orElseThrow()).endsWith("?unlocked");
        assertThat(v2(user.username(), "Reset-Pass9")).isEqualTo(200);

        long adminId = users.find(RegistryIntegrationTest.ADMIN).orElseThrow().id();
        HttpResponse<String> builtIn = admin.get("/admin/users/" + adminId);
        assertThat(builtIn.body()).contains("The built-in admin stays a system administrator.")
                .doesNotContain("Remove system administrator", "/admin/users/" + adminId + "/delete\"");
    }

    @Test
    void page9_anAdminSettingTheirOwnPasswordStaysSignedInInThisBrowser() {
        User other = users.create(unique("admin2"), AccessFixture.PASSWORD, null, null, true);
        Browser browser = new Browser(port);
        browser.signIn(other.username(), AccessFixture.PASSWORD);
        browser.get("/admin/users/" + other.id());

        assertThat(browser.post("/admin/users/" + other.id() + "/password", true, "password", "Own-Reset7").statusCode()).isEqualTo(302);
        HttpResponse<String> after = browser.get("/admin/users/" + other.id() + "?password-reset");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).contains("The password was set.");
        assertThat(v2(other.username(), "Own-Reset7")).isEqualTo(200);
    }

    @Test
    void page9_deletingAUserConfirmsFirstNamingTheMembershipsThatGo() {
        User user = users.create(unique("leaving"), AccessFixture.PASSWORD, null, null, false);
        projects.setMember(projects.require(fixture.project).id(), user.id(), Role.MAINTAINER);

        HttpResponse<String> confirm = admin.get("/admin/users/" + user.id() + "/delete");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("Delete " + user.username() + "?", "memberships go too (1)", fixture.project, "maintainer",
                "Delete user");
        assertThat(users.find(user.username())).isPresent(); // the confirmation changes nothing

        HttpResponse<String> deleted = admin.post("/admin/users/" + user.id() + "/delete", true);
        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(admin.get(deleted.headers().firstValue("Location").orElseThrow().replaceFirst("^https?://[^/]+", "")).body())
                .contains("User " + user.username() + " was deleted.");
        assertThat(users.find(user.username())).isEmpty();
        assertThat(projects.rolesOf(user.id(), java.util.List.of(projects.require(fixture.project).id()))).isEmpty();
        assertThat(v2(user.username(), AccessFixture.PASSWORD)).isEqualTo(401);
    }

    @Test
    void page9_aDryRunAndARealGarbageCollectionFinishLiveAndShowTheirItemsAndBytesFreedInTheHistory() throws Exception {
        // garbage: an image pushed and its manifest deleted over /v2 (its layer and config lose their links at once)
        RegistryClient pusher = new RegistryClient(port, RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD);
        String repository = fixture.project + "/garbage";
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + unique("c") + "\"}").getBytes();
        // 12,000 bytes and more: a size whose one decimal shows (11.7 KiB and up), the same in the summary and on the page
        byte[] layer = new byte[12_000];
        new Random(System.nanoTime()).nextBytes(layer);
        String configDigest = pusher.pushBlob(repository, config);
        String layerDigest = pusher.pushBlob(repository, layer);
        String manifest = TestImages.ociManifest(configDigest, config.length, layerDigest, layer.length);
        assertThat(pusher.pushManifest(repository, "v1", TestImages.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        assertThat(pusher.send("DELETE", "/v2/" + repository + "/manifests/" + RegistryClient.digest(manifest.getBytes())).statusCode())
                .isEqualTo(202);

        HttpResponse<String> overview = admin.get("/admin/gc");
        assertThat(overview.body()).contains("<title>Garbage collection · Administration · registry</title>", "Dry run", "Run now…");

        // a dry run: followed live, it lists the layer and deletes nothing
        long dry = runId(admin.post("/admin/gc/runs", true, "dryRun", "true"));
        String dryEnd = followToTheEnd("/admin/gc/runs/" + dry + "/progress");
        assertThat(dryEnd).contains("succeeded", "Bytes it would free");
        assertThat(admin.get("/admin/gc/runs/" + dry + "?page_size=100").body()).contains("What it would delete", layerDigest);

        // a real run: confirmed first, then followed live; it deletes the layer the dry run left, and counts its bytes
        HttpResponse<String> confirm = admin.get("/admin/gc/run");
        assertThat(confirm.body()).contains("Run garbage collection now?", "deletes for good", "#" + dry);
        long real = runId(admin.post("/admin/gc/runs", true, "dryRun", "false"));
        assertThat(followToTheEnd("/admin/gc/runs/" + real + "/progress")).contains("succeeded", "Bytes freed");
        GcRun done = gc.run(real);
        assertThat(done.dryRun()).isFalse();
        assertThat(done.counts().freedBytes()).isGreaterThanOrEqualTo(layer.length + config.length);
        String runPage = admin.get("/admin/gc/runs/" + real + "?page_size=100").body();
        assertThat(runPage).contains("What it deleted", layerDigest, format.bytes(done.counts().freedBytes()));

        String history = admin.get("/admin/gc").body();
        assertThat(history).contains("/admin/gc/runs/" + real + "\"", "/admin/gc/runs/" + dry + "\"", "real run",
                "<td class=\"freed\">" + format.bytes(done.counts().freedBytes()) + "</td>");

        // one way of writing bytes: "Bytes freed" says what the run's summary says (registry-core's ByteSizes), number and
        // unit held together by a no-break space
        String freed = ByteSizes.format(done.counts().freedBytes());
        assertThat(done.summary()).contains(freed);
        assertThat(format.bytes(done.counts().freedBytes())).isEqualTo(freed.replace(' ', '\u00a0'));
        assertThat(runPage).contains("<dd class=\"freed\">" + freed.replace(' ', '\u00a0') + "</dd>");
        assertThat(format.bytes(12_000L)).isEqualTo("11.7\u00a0KiB");
        assertThat(format.bytes(1L << 20)).isEqualTo("1\u00a0MiB");
        assertThat(format.bytes(928L)).isEqualTo("928\u00a0B");
        // and a time never leaves its zone alone on the next line (the date may go above the time)
        assertThat(format.instant(Instant.parse("2026-01-02T03:04:05Z"))).isEqualTo("2026-01-02 03:04\u00a0UTC");

        // a blob is registry-wide: its Repository cell says so instead of staying empty
        List<String> blobRepositories = Pattern.compile("<td>blob</td>\\s*<td>(.*?)</td>", Pattern.DOTALL).matcher(runPage).results()
                .map(m -> m.group(1).replaceAll("<[^>]+>", "").strip()).toList();
        assertThat(blobRepositories).isNotEmpty().containsOnly("registry-wide");
    }

    /**
     * Issue 13, "labelled form fields": the overview's three forms each have an "untagged manifests"
     * checkbox; each label says which form it belongs to (a screen reader reads the label alone), and
     * no id is used twice.
     */
    @Test
    void page9_eachGcCheckboxSaysWhatItsFormDoesAndNoIdIsUsedTwice() {
        String page = admin.get("/admin/gc").body();
        List<String> labels = Pattern.compile("<label[^>]*>(.*?)</label>", Pattern.DOTALL).matcher(page).results()
                .map(m -> m.group(1).replaceAll("<[^>]+>", "").strip().replaceAll("\\s+", " ")).toList();
        assertThat(labels).doesNotHaveDuplicates().contains("Dry run: include untagged manifests",
                "Run now: also delete untagged manifests", "Scheduled runs: also delete untagged manifests");
        List<String> ids = Pattern.compile("\\sid=\"([^\"]+)\"").matcher(page).results().map(m -> m.group(1)).toList();
        assertThat(ids).doesNotHaveDuplicates();
        List<String> checkboxes = Pattern.compile("<input [^>]*type=\"checkbox\"[^>]*>").matcher(page).results()
                .map(m -> m.group()).toList();
        assertThat(checkboxes).hasSize(3).allSatisfy(box -> assertThat(box).containsPattern("\\sid=\"gc-[a-z-]+\""));
    }

    @Test
    void page9_theScheduleIsSetAndARefusedExpressionIsShownInWords() {
        admin.get("/admin/gc");
        try {
            HttpResponse<String> bad = admin.post("/admin/gc/schedule", true, "schedule", "at two");
            assertThat(bad.statusCode()).isEqualTo(200);
            assertThat(bad.body()).contains("id=\"schedule-error\"", "value=\"at two\"");
            assertThat(admin.post("/admin/gc/schedule", true, "schedule", "0 0 2 * * *").statusCode()).isEqualTo(302);
            assertThat(gc.settings().schedule()).isEqualTo("0 0 2 * * *");
            assertThat(admin.get("/admin/gc?scheduled").body()).contains("The schedule was saved.", "<code>0 0 2 * * *</code>");
        } finally {
            gc.setSchedule(null, false, "test");
        }
    }

    @Test
    void page9_aJobStartedShowsItsProgressLiveAndFinishesInItsHistory() throws Exception {
        assertThat(admin.get("/admin/jobs").body()).contains("<title>Jobs · Administration · registry</title>",
                "/admin/jobs/upload-cleanup\"", "/admin/jobs/gc\"");
        assertThat(admin.get("/admin/jobs/upload-cleanup").body()).contains("Start a run");

        long run = runId(admin.post("/admin/jobs/upload-cleanup/runs", true));
        HttpResponse<String> page = admin.get("/admin/jobs/upload-cleanup/runs/" + run);
        assertThat(page.body()).contains("upload-cleanup run #" + run, "id=\"progress\"");
        assertThat(followToTheEnd("/admin/jobs/upload-cleanup/runs/" + run + "/progress")).contains("succeeded");
        assertThat(admin.get("/admin/jobs/upload-cleanup").body()).contains("/admin/jobs/upload-cleanup/runs/" + run + "\"");

        // stopping a finished run, a parameter the job refuses, a run of another job: refused in words
        HttpResponse<String> stop = admin.post("/admin/jobs/upload-cleanup/runs/" + run + "/stop", true);
        assertThat(stop.statusCode()).isEqualTo(409);
        assertThat(stop.body()).contains("not running");
        long gcRuns = gc.countRuns();
        HttpResponse<String> refused = admin.post("/admin/jobs/gc/runs", true, "param.dryRun", "maybe");
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains("dryRun", "class=\"error\"").contains("value=\"maybe\"");
        assertThat(gc.countRuns()).isEqualTo(gcRuns);
        assertThat(admin.get("/admin/jobs/gc/runs/" + run).statusCode()).isEqualTo(404);
    }

    @Test
    void page9_aRunGoingOnPollsEvery2sShowsItsProgressAndOffersStop() {
        // a garbage collection running on another replica: its row is all this replica knows of it
        String starter = unique("elsewhere");
        jdbc.update("INSERT INTO job_run (job_name, run_trigger, triggered_by, parameters, state, replica, stop_requested, progress,"
                + " started_at) VALUES ('gc', 'manual', ?, 'deleteUntagged=false dryRun=true', 'RUNNING', 'other-replica', FALSE,"
                + " 'reviewed 400 blobs', CURRENT_TIMESTAMP)", starter);
        long id = jdbc.queryForObject("SELECT id FROM job_run WHERE triggered_by = ?", Long.class, starter);
        try {
            String gcFragment = admin.get("/admin/gc/runs/" + id + "/progress").body();
            assertThat(gcFragment).contains("hx-get=\"/admin/gc/runs/" + id + "/progress\"", "hx-trigger=\"every 2s\"",
                    "reviewed 400 blobs", "/admin/gc/runs/" + id + "/stop");
            String jobFragment = admin.get("/admin/jobs/gc/runs/" + id + "/progress").body();
            assertThat(jobFragment).contains("hx-get=\"/admin/jobs/gc/runs/" + id + "/progress\"", "hx-trigger=\"every 2s\"",
                    "reviewed 400 blobs", "/admin/jobs/gc/runs/" + id + "/stop");
            assertThat(admin.get("/admin/gc/runs/" + id).body()).contains("id=\"progress\"", "hx-trigger=\"every 2s\"")
                    .doesNotContain("What it would delete");

            assertThat(admin.post("/admin/gc/runs/" + id + "/stop", true).statusCode()).isEqualTo(302);
            assertThat(jobs.require(id).stopRequested()).isTrue();
            assertThat(admin.get("/admin/jobs/gc/runs/" + id + "/progress").body()).contains("running (stop asked)");
        } finally {
            jdbc.update("UPDATE job_run SET state = 'STOPPED', finished_at = CURRENT_TIMESTAMP WHERE id = ?", id);
        }
        String finished = admin.get("/admin/gc/runs/" + id + "/progress").body();
        assertThat(finished).contains("stopped").doesNotContain("hx-trigger", "hx-get", "/stop");
    }

    @Test
    void page9_theSystemPageShowsVersionStorageAndDatabase() {
        HttpResponse<String> page = admin.get("/admin/system");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>System · Administration · registry</title>",
                "<dd class=\"storage\">filesystem</dd>", "<span>H2</span>", "<dd class=\"version\">");
    }

    @Test
    void page10_changingMyPasswordKeepsThisBrowserSignedInAndEndsTheOldPasswordAndOtherSessions() throws Exception {
        User user = users.create(unique("mine"), AccessFixture.PASSWORD, null, null, false);
        Browser here = new Browser(port);
        here.signIn(user.username(), AccessFixture.PASSWORD);
        Browser elsewhere = new Browser(port);
        elsewhere.signIn(user.username(), AccessFixture.PASSWORD);
        assertThat(elsewhere.get("/projects").statusCode()).isEqualTo(200);
        // sessions and tokens carry their time to the second: the change must fall in a later second to end them
        long signedIn = Instant.now().getEpochSecond();
        while (Instant.now().getEpochSecond() <= signedIn) {
            Thread.sleep(50);
        }

        HttpResponse<String> account = here.get("/account");
        assertThat(account.statusCode()).isEqualTo(200);
        assertThat(account.body()).contains("<title>Account · registry</title>", "docker login 127.0.0.1:" + port + " -u " + user.username(),
                "podman login 127.0.0.1:" + port, "helm registry login 127.0.0.1:" + port, "skopeo login 127.0.0.1:" + port);

        assertThat(here.post("/account/password", true, "currentPassword", "Not-Mine1", "newPassword", "Brand-New1").body())
                .contains("id=\"currentPassword-error\"", "the current password is not correct");
        assertThat(here.post("/account/password", true, "currentPassword", AccessFixture.PASSWORD, "newPassword", "weak").body())
                .contains("id=\"newPassword-error\"", RULE);
        assertThat(v2(user.username(), AccessFixture.PASSWORD)).isEqualTo(200);

        String before = here.cookie(Browser.SESSION);
        HttpResponse<String> changed = here.post("/account/password", true, "currentPassword", AccessFixture.PASSWORD,
                "newPassword", "Brand-New1");
        assertThat(changed.statusCode()).isEqualTo(302);
        assertThat(changed.headers().firstValue("Location").orElseThrow()).endsWith("/account?password-changed");

        // this browser stays signed in (under a new session id); the other session has ended; the old password fails
        HttpResponse<String> after = here.get("/account?password-changed");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).contains("Your password was changed.");
        assertThat(here.cookie(Browser.SESSION)).isNotEqualTo(before);
        assertThat(here.get("/projects").statusCode()).isEqualTo(200);
        HttpResponse<String> ended = elsewhere.get("/projects");
        assertThat(ended.statusCode()).isEqualTo(302);
        assertThat(ended.headers().firstValue("Location").orElseThrow()).contains("/login");
        assertThat(v2(user.username(), AccessFixture.PASSWORD)).isEqualTo(401);
        assertThat(v2(user.username(), "Brand-New1")).isEqualTo(200);
    }
}
