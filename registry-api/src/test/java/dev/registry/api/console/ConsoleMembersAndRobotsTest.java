package dev.registry.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
import dev.registry.core.access.Action;
import dev.registry.core.access.PermissionMatrix;
import dev.registry.core.access.Robot;
import dev.registry.core.access.RobotService;
import dev.registry.core.access.UserService;
import dev.registry.core.project.Member;
import dev.registry.core.project.ProjectService;
import dev.registry.core.project.Role;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * Issue 13, page 5 (Members), page 6 (Robot accounts) and the system robots of page 9, over HTTP
 * as signed-in users: each role is offered exactly what {@link PermissionMatrix} lets it do, a
 * refused action posted by hand is refused and changes nothing, the last project admin stays, and a
 * robot's secret is shown once and is real (it signs in on /v2).
 */
@RegistryIntegrationTest
class ConsoleMembersAndRobotsTest {

    private static final List<String> ROLES = List.of("limited-guest", "guest", "developer", "maintainer", "project-admin", "admin");
    private static final Pattern SECRET = Pattern.compile("id=\"robot-secret\"[^>]*value=\"([^\"]+)\"");

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    ProjectService projects;
    @Autowired
    RobotService robots;
    @Autowired
    UserService users;

    private AccessFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = AccessFixture.create(context);
    }

    private Browser signedIn(String caller) {
        String[] credentials = fixture.credentials(caller).split(":", 2);
        Browser browser = new Browser(port);
        assertThat(browser.signIn(credentials[0], credentials[1]).statusCode()).isEqualTo(302);
        return browser;
    }

    private static Set<Action> allowed(String caller) {
        return caller.equals("admin") ? PermissionMatrix.all() : PermissionMatrix.of(Role.valueOf(caller.toUpperCase().replace('-', '_')));
    }

    private String username(String caller) {
        return fixture.credentials(caller).split(":", 2)[0];
    }

    private List<String> memberNames() {
        return projects.members(projects.require(fixture.project).id()).stream().map(Member::principalName).toList();
    }

    @Test
    void page5and6_eachRoleAndASystemAdminIsOfferedExactlyWhatThePermissionMatrixAllows() {
        for (String caller : ROLES) {
            Browser browser = signedIn(caller);
            Set<Action> may = allowed(caller);

            HttpResponse<String> members = browser.get("/projects/" + fixture.project + "/members");
            assertThat(members.statusCode()).as(caller + " members page").isEqualTo(may.contains(Action.READ_MEMBERS) ? 200 : 403);
            if (may.contains(Action.READ_MEMBERS)) {
                assertThat(members.body()).as(caller).contains("<title>Members · " + fixture.project + " · registry</title>",
                        "aria-label=\"Breadcrumb\"", username("developer"));
                assertThat(members.body().contains("id=\"add-member-form\"")).as(caller + " add form")
                        .isEqualTo(may.contains(Action.MANAGE_MEMBERS));
                assertThat(members.body().contains("/remove\"")).as(caller + " remove links").isEqualTo(may.contains(Action.MANAGE_MEMBERS));
                assertThat(members.body().contains("Change role")).as(caller + " role change").isEqualTo(may.contains(Action.MANAGE_MEMBERS));
            }

            HttpResponse<String> robotsPage = browser.get("/projects/" + fixture.project + "/robots");
            assertThat(robotsPage.statusCode()).as(caller + " robots page").isEqualTo(may.contains(Action.READ_ROBOTS) ? 200 : 403);
            if (may.contains(Action.READ_ROBOTS)) {
                assertThat(robotsPage.body()).as(caller).contains("<title>Robot accounts · " + fixture.project + " · registry</title>",
                        "robot." + fixture.project + ".pull");
                for (String offered : List.of("id=\"new-robot-form\"", "/rotate\"", "/delete\"", "/disabled\"")) {
                    assertThat(robotsPage.body().contains(offered)).as(caller + " " + offered).isEqualTo(may.contains(Action.MANAGE_ROBOTS));
                }
            }

            // the project's tabs lead only to what the role may open
            String project = browser.get("/projects/" + fixture.project).body();
            assertThat(project.contains("/members\"")).as(caller + " members tab").isEqualTo(may.contains(Action.READ_MEMBERS));
            assertThat(project.contains("/robots\"")).as(caller + " robots tab").isEqualTo(may.contains(Action.READ_ROBOTS));

            // the system robots are the system admins'
            assertThat(browser.get("/admin/robots").statusCode()).as(caller + " system robots").isEqualTo(caller.equals("admin") ? 200 : 403);
        }
    }

    @Test
    void page5and6_aRefusedActionPostedByHandIsRefusedAndChangesNothing() {
        String newcomer = "newcomer-" + System.nanoTime();
        users.create(newcomer, AccessFixture.PASSWORD, null, null, false);
        long robotId = robots.list(projects.require(fixture.project).id(), 0, 100).stream()
                .filter(r -> r.name().endsWith(".pull")).findFirst().orElseThrow().id();
        String base = "/projects/" + fixture.project;
        for (String caller : List.of("limited-guest", "guest", "developer", "maintainer")) {
            Browser browser = signedIn(caller);
            browser.get("/projects"); // a page with a CSRF token
            List<String> membersBefore = memberNames();
            long robotsBefore = robots.count(projects.require(fixture.project).id());

            List<HttpResponse<String>> answers = List.of(
                    browser.post(base + "/members", true, "username", newcomer, "role", "developer"),
                    browser.post(base + "/members/" + username("developer") + "/role", true, "role", "project-admin"),
                    browser.post(base + "/members/" + username("guest") + "/remove", true),
                    browser.post(base + "/robots", true, "name", "sneaky", "permissions", "pull"),
                    browser.post(base + "/robots/" + robotId + "/rotate", true),
                    browser.post(base + "/robots/" + robotId + "/disabled", true, "disabled", "true"),
                    browser.post(base + "/robots/" + robotId + "/delete", true),
                    browser.post("/admin/robots", true, "name", "sneaky", "projects", "*", "permissions", "pull"));

            assertThat(answers).as(caller).allSatisfy(a -> {
                assertThat(a.statusCode()).isEqualTo(403);
                assertThat(a.body()).contains("403 Forbidden").doesNotContain("robot-secret");
            });
            assertThat(memberNames()).as(caller).isEqualTo(membersBefore);
            assertThat(robots.count(projects.require(fixture.project).id())).as(caller).isEqualTo(robotsBefore);
            assertThat(robots.require(robotId).disabled()).isFalse();
            assertThat(robots.list(null, 0, 1000)).extracting(Robot::name).doesNotContain("robot.sneaky");
        }
        Browser maintainer = signedIn("maintainer");
        assertThat(maintainer.get(base + "/members/" + username("guest") + "/remove").statusCode()).isEqualTo(403);
        assertThat(maintainer.get(base + "/robots/" + robotId + "/delete").statusCode()).isEqualTo(403);
        assertThat(new RegistryClient(port, "robot." + fixture.project + ".pull", fixture.credentials("robot-pull").split(":", 2)[1])
                .send("GET", "/v2/").statusCode()).as("the robot still works").isEqualTo(200);
    }

    @Test
    void page6_theSecretIsShownOnceWithItsPullSecretAndKubectlCommandAndSignsInOnV2() {
        Browser admin = signedIn("project-admin");
        String base = "/projects/" + fixture.project + "/robots";
        admin.get(base);

        HttpResponse<String> created = admin.post(base, true, "name", "deployer", "description", "CD", "permissions", "pull",
                "permissions", "push", "expires_in_days", "30");
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
        String name = "robot." + fixture.project + ".deployer";
        String secret = secret(created.body());
        String host = "127.0.0.1:" + port;
        assertThat(created.body()).contains("shown this once", "data-copy=\"" + secret + "\"",
                "kubectl create secret docker-registry " + name + " --namespace=default --docker-server=" + host
                        + " --docker-username=" + name + " --docker-password=" + secret,
                "kind: Secret", "type: kubernetes.io/dockerconfigjson");

        // the secret is real: the robot signs in on /v2 with it, and with nothing else
        assertThat(new RegistryClient(port, name, secret).send("GET", "/v2/").statusCode()).isEqualTo(200);
        assertThat(new RegistryClient(port, name, secret + "x").send("GET", "/v2/").statusCode()).isEqualTo(401);

        // the pull Secret downloads as a file when the page posts the secret back; a wrong one gets nothing
        HttpResponse<String> file = admin.post(base + "/" + robotId(name) + "/pull-secret", true, "secret", secret, "namespace", "ci");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment").contains(name + ".yaml");
        assertThat(file.body()).contains("namespace: ci", "name: " + name);
        HttpResponse<String> wrong = admin.post(base + "/" + robotId(name) + "/pull-secret", true, "secret", "guess", "namespace", "ci");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("not the current secret").doesNotContain("dockerconfigjson");

        // a reload of the robots page lists the robot, never its secret
        HttpResponse<String> listed = admin.get(base);
        assertThat(listed.body()).contains(name, "pull, push", "CD").doesNotContain(secret).doesNotContain("robot-secret");
    }

    @Test
    void page6_badInputIsShownInWordsNextToItsFieldWithWhatWasTypedKept() {
        Browser admin = signedIn("project-admin");
        String base = "/projects/" + fixture.project + "/robots";
        admin.get(base);

        HttpResponse<String> badName = admin.post(base, true, "name", "Bad Name", "permissions", "pull");
        assertThat(badName.body()).contains("id=\"robot-name-error\"", "invalid robot name", "value=\"Bad Name\"").doesNotContain("robot-secret\"");
        HttpResponse<String> none = admin.post(base, true, "name", "idle");
        assertThat(none.body()).contains("id=\"robot-permissions-error\"", "at least one permission");
        HttpResponse<String> notGrantable = admin.post(base, true, "name", "boss", "permissions", "manage-members");
        assertThat(notGrantable.body()).contains("id=\"robot-permissions-error\"", "robots may only be given");
        HttpResponse<String> badExpiry = admin.post(base, true, "name", "soon", "permissions", "pull", "expires_in_days", "0");
        assertThat(badExpiry.body()).contains("id=\"robot-expiry-error\"", "1 to 36500");
        assertThat(robots.list(projects.require(fixture.project).id(), 0, 100)).extracting(Robot::name)
                .noneMatch(n -> n.endsWith(".idle") || n.endsWith(".boss") || n.endsWith(".soon"));
        // only what robots may hold is offered
        for (Action action : Action.values()) {
            assertThat(badName.body().contains("name=\"permissions\" value=\"" + action.wireName() + "\""))
                    .as(action.wireName()).isEqualTo(PermissionMatrix.ROBOT_GRANTABLE.contains(action));
        }
    }

    @Test
    void page6_rotateDisableAndDeleteEachSayWhatGoesAndTakeEffect() {
        Browser admin = signedIn("project-admin");
        String base = "/projects/" + fixture.project + "/robots";
        admin.get(base);
        String secret = secret(admin.post(base, true, "name", "rotor", "permissions", "pull").body());
        String name = "robot." + fixture.project + ".rotor";
        long id = robotId(name);

        HttpResponse<String> confirmRotate = admin.get(base + "/" + id + "/rotate");
        assertThat(confirmRotate.body()).contains(name + " gets a new secret", "stop working at once");
        String rotated = secret(admin.post(base + "/" + id + "/rotate", true).body());
        assertThat(rotated).isNotEqualTo(secret);
        assertThat(new RegistryClient(port, name, secret).send("GET", "/v2/").statusCode()).isEqualTo(401);
        assertThat(new RegistryClient(port, name, rotated).send("GET", "/v2/").statusCode()).isEqualTo(200);

        HttpResponse<String> disabled = admin.post(base + "/" + id + "/disabled", true, "disabled", "true");
        assertThat(disabled.statusCode()).isEqualTo(302);
        assertThat(follow(admin, disabled).body()).contains(name + " is disabled", "Enable " + name);
        assertThat(new RegistryClient(port, name, rotated).send("GET", "/v2/").statusCode()).isEqualTo(401);
        admin.post(base + "/" + id + "/disabled", true, "disabled", "false");
        assertThat(new RegistryClient(port, name, rotated).send("GET", "/v2/").statusCode()).isEqualTo(200);

        HttpResponse<String> confirmDelete = admin.get(base + "/" + id + "/delete");
        assertThat(confirmDelete.body()).contains(name + " is deleted with its permissions", "fails from now on");
        assertThat(robots.count(projects.require(fixture.project).id())).as("the confirmation deletes nothing").isPositive();
        HttpResponse<String> deleted = admin.post(base + "/" + id + "/delete", true);
        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(follow(admin, deleted).body()).contains(name + " was deleted");
        assertThat(robots.list(projects.require(fixture.project).id(), 0, 100)).extracting(Robot::name).doesNotContain(name);
        assertThat(new RegistryClient(port, name, rotated).send("GET", "/v2/").statusCode()).isEqualTo(401);
    }

    @Test
    void page6_expiredAndExpiringRobotsAreMarked() {
        robots.create(new RobotService.Spec("brief", null, fixture.project, java.util.Map.of(fixture.project, Set.of(Action.PULL)),
                false, 3), "admin");
        String page = signedIn("maintainer").get("/projects/" + fixture.project + "/robots").body();
        assertThat(page).contains("robot." + fixture.project + ".brief", "expires within 7 days", ">expired<");
    }

    @Test
    void page9_systemRobotsUseTheSamePagesAcrossProjects() {
        Browser admin = signedIn("admin");
        HttpResponse<String> page = admin.get("/admin/robots");
        assertThat(page.body()).contains("<title>System robots · registry</title>", "id=\"robot-projects\"", "aria-label=\"Administration sections\"");
        String name = "sys" + System.nanoTime() % 1_000_000;

        HttpResponse<String> unknownProject = admin.post("/admin/robots", true, "name", name, "projects", "no-such-project-x",
                "permissions", "pull");
        assertThat(unknownProject.body()).contains("no-such-project-x", "does not exist").doesNotContain("robot-secret\"");
        HttpResponse<String> created = admin.post("/admin/robots", true, "name", name, "projects", fixture.project + ", " + fixture.otherProject,
                "permissions", "pull");
        String secret = secret(created.body());
        assertThat(new RegistryClient(port, "robot." + name, secret).send("GET", "/v2/").statusCode()).isEqualTo(200);
        Robot robot = robots.list(null, 0, 1000).stream().filter(r -> r.name().equals("robot." + name)).findFirst().orElseThrow();
        assertThat(robot.permissions()).containsOnlyKeys(fixture.project, fixture.otherProject);
        assertThat(admin.get("/admin/robots?page_size=100").body()).contains("robot." + name, fixture.project + ": pull").doesNotContain(secret);
        // a project's robot is not reachable through the system pages, nor a system robot through a project's
        long projectRobot = robotId("robot." + fixture.project + ".pull");
        assertThat(admin.get("/admin/robots/" + projectRobot + "/delete").statusCode()).isEqualTo(404);
        assertThat(admin.get("/projects/" + fixture.project + "/robots/" + robot.id() + "/delete").statusCode()).isEqualTo(404);
        assertThat(admin.post("/admin/robots/" + robot.id() + "/delete", true).statusCode()).isEqualTo(302);
        assertThat(robots.list(null, 0, 1000)).extracting(Robot::name).doesNotContain("robot." + name);
    }

    @Test
    void page5_addChangeAndRemoveMembersWithTheServersWordsAndAConfirmationThatSaysWhoLosesWhat() {
        Browser admin = signedIn("project-admin");
        String base = "/projects/" + fixture.project + "/members";
        admin.get(base);
        String newcomer = "joiner-" + System.nanoTime();

        HttpResponse<String> unknown = admin.post(base, true, "username", newcomer, "role", "guest");
        assertThat(unknown.body()).contains("id=\"username-error\"", "there is no user " + newcomer, "value=\"" + newcomer + "\"");
        users.create(newcomer, AccessFixture.PASSWORD, null, null, false);
        HttpResponse<String> added = admin.post(base, true, "username", newcomer, "role", "guest");
        assertThat(added.statusCode()).isEqualTo(302);
        assertThat(follow(admin, added).body()).contains(newcomer + " was added");
        HttpResponse<String> twice = admin.post(base, true, "username", newcomer, "role", "developer");
        assertThat(twice.body()).contains("id=\"username-error\"", "member of the project already");

        assertThat(admin.post(base + "/" + newcomer + "/role", true, "role", "maintainer").statusCode()).isEqualTo(302);
        assertThat(projects.requireMember(projects.require(fixture.project).id(), newcomer).role()).isEqualTo(Role.MAINTAINER);

        HttpResponse<String> confirm = admin.get(base + "/" + newcomer + "/remove");
        assertThat(confirm.body()).contains(newcomer + " loses the role maintainer in project " + fixture.project);
        assertThat(memberNames()).as("the confirmation removes nothing").contains(newcomer);
        assertThat(admin.post(base + "/" + newcomer + "/remove", true).statusCode()).isEqualTo(302);
        assertThat(memberNames()).doesNotContain(newcomer);
    }

    @Test
    void page5_theLastProjectAdminCanBeNeitherRemovedNorDemoted() {
        Browser owner = signedIn("developer");
        String project = "solo" + System.nanoTime() % 1_000_000;
        owner.get("/projects");
        assertThat(owner.post("/projects", true, "name", project).statusCode()).isEqualTo(302);
        String me = username("developer");
        String base = "/projects/" + project + "/members";

        // the page offers neither: it says why instead (a page never offers what the service would refuse)
        String page = owner.get(base).body();
        assertThat(page).contains("the last project admin", "make another member project admin first", "id=\"add-member-form\"")
                .doesNotContain("Change role", "/members/" + me + "/role\"", "/members/" + me + "/remove\"");
        HttpResponse<String> confirm = owner.get(base + "/" + me + "/remove");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains(me + " is the last project admin of " + project + " and cannot be removed")
                .doesNotContain("action=\"" + base + "/" + me + "/remove\"");

        // posted by hand, both are refused by the service, as before
        HttpResponse<String> removed = owner.post(base + "/" + me + "/remove", true);
        assertThat(removed.body()).contains("id=\"member-problem\"", me + " is the last project admin of the project");
        HttpResponse<String> demoted = owner.post(base + "/" + me + "/role", true, "role", "developer");
        assertThat(demoted.body()).contains(me + " is the last project admin of the project");
        assertThat(projects.requireMember(projects.require(project).id(), me).role()).isEqualTo(Role.PROJECT_ADMIN);

        // with a second project admin, the first may step down: both are offered again, for both admins
        String second = username("guest");
        assertThat(owner.post(base, true, "username", second, "role", "project-admin").statusCode()).isEqualTo(302);
        String withTwo = owner.get(base).body();
        assertThat(withTwo).contains("/members/" + me + "/role\"", "/members/" + me + "/remove\"",
                "/members/" + second + "/role\"", "/members/" + second + "/remove\"").doesNotContain("the last project admin");
        assertThat(owner.get(base + "/" + me + "/remove").body()).contains("action=\"" + base + "/" + me + "/remove\"");
        assertThat(owner.post(base + "/" + me + "/role", true, "role", "developer").statusCode()).isEqualTo(302);
        assertThat(projects.requireMember(projects.require(project).id(), me).role()).isEqualTo(Role.DEVELOPER);
    }

    private long robotId(String name) {
        return robots.list(projects.require(fixture.project).id(), 0, 1000).stream().filter(r -> r.name().equals(name))
                .findFirst().orElseThrow().id();
    }

    /** Reads the page a redirect leads to. */
    private static HttpResponse<String> follow(Browser browser, HttpResponse<String> redirect) {
        java.net.URI to = java.net.URI.create(redirect.headers().firstValue("Location").orElseThrow());
        return browser.get(to.getRawPath() + (to.getRawQuery() == null ? "" : "?" + to.getRawQuery()));
    }

    private static String secret(String page) {
        Matcher m = SECRET.matcher(page);
        assertThat(m.find()).as("a secret on the page").isTrue();
        return m.group(1);
    }
}
