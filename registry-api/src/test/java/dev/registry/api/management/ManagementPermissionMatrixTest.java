package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.access.AccessFixture;
import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.access.RobotService;
import dev.registry.core.access.UserService;
import dev.registry.core.project.Member;
import dev.registry.core.project.Project;
import dev.registry.core.project.Role;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every caller of an {@link AccessFixture} against every management action on the fixture's
 * private project, compared with a table written out by hand (not derived from the permission
 * matrix, so a change of the matrix or of the API's use of it shows up here). Mutating actions get
 * a fresh target before each call (a fresh artifact to delete, a member to remove, …), so every
 * cell is independent of the others.
 */
class ManagementPermissionMatrixTest extends ManagementTestBase {

    /**
     * ok: 2xx; 401, 403, 404: refused so. Columns: read, update and delete the project (delete: a fresh empty
     * project with the same user members, which the project robots are not part of); list, add and remove
     * members; list, create, rotate and delete project robots; list repositories, list artifacts, delete an
     * artifact; read the project's audit log; read the retention policy and run it dry; list and create users;
     * search by the project's name (GET /api/v1/search: anyone may search, each finding only what they may see,
     * which SearchManagementApiTest checks).
     */
    private static final String EXPECTED = """
            caller              read upd  del  m-ls m-add m-rm r-ls r-new r-rot r-del repos arts a-del audit ret  ret-run u-ls u-new srch
            anonymous           401  401  401  401  401   401  401  401   401   401   401   401  401   401   401  401     401  401  ok
            admin               ok   ok   ok   ok   ok    ok   ok   ok    ok    ok    ok    ok   ok    ok    ok   ok      ok   ok  ok
            project-admin       ok   ok   ok   ok   ok    ok   ok   ok    ok    ok    ok    ok   ok    ok    ok   ok      403  403  ok
            maintainer          ok   403  403  ok   403   403  ok   403   403   403   ok    ok   ok    ok    ok   ok      403  403  ok
            developer           ok   403  403  ok   403   403  403  403   403   403   ok    ok   403   ok    ok   403     403  403  ok
            guest               ok   403  403  ok   403   403  403  403   403   403   ok    ok   403   ok    ok   403     403  403  ok
            limited-guest       ok   403  403  403  403   403  403  403   403   403   ok    ok   403   403   ok   403     403  403  ok
            outsider            404  404  404  404  404   404  404  404   404   404   404   404  404   404   404  404     403  403  ok
            robot-pull          ok   403  404  403  403   403  403  403   403   403   403   403  403   403   403  403     403  403  ok
            robot-push          ok   403  404  403  403   403  403  403   403   403   403   403  403   403   403  403     403  403  ok
            robot-other-project 404  404  404  404  404   404  404  404   404   404   404   404  404   404   404  404     403  403  ok
            system-robot        ok   403  403  403  403   403  403  403   403   403   403   403  403   403   403  403     403  403  ok
            robot-disabled      401  401  401  401  401   401  401  401   401   401   401   401  401   401   401  401     401  401  401
            robot-expired       401  401  401  401  401   401  401  401   401   401   401   401  401   401   401  401     401  401  401
            """;

    @Test
    void every_caller_gets_exactly_the_management_actions_the_table_says() {
        // given the fixture's project holding an image, a robot to rotate and two users to add and remove
        AccessFixture fixture = fixture();
        Targets targets = new Targets(fixture);
        Map<String, Function<RegistryClient, HttpResponse<String>>> actions = targets.actions();

        // when every caller tries every action
        StringBuilder actual = new StringBuilder(String.format("%-19s", "caller"));
        actions.keySet().forEach(column -> actual.append(' ').append(column));
        actual.append('\n');
        for (String caller : fixture.callers()) {
            RegistryClient client = fixture.basic(port, caller);
            actual.append(String.format("%-19s", caller));
            actions.values().forEach(action -> {
                int status = action.apply(client).statusCode();
                actual.append(' ').append(status / 100 == 2 ? "ok" : Integer.toString(status));
            });
            actual.append('\n');
        }

        // then the answers are the table's
        assertThat(normalized(actual.toString())).as("actual answers:\n%s", actual).isEqualTo(normalized(EXPECTED));
    }

    @Test
    void a_project_admin_of_another_project_reaches_nothing_of_this_one_through_their_own() {
        // given the outsider, project admin of the other project, and an image, a robot and a member of this one
        AccessFixture fixture = fixture();
        Targets targets = new Targets(fixture);
        RegistryClient outsider = fixture.basic(port, "outsider");
        String own = "/api/v1/projects/" + fixture.otherProject;
        String digest = pushImage(admin, fixture.project + "/app", "kept", 50).digest();
        String member = fixture.credentials("guest").split(":")[0];

        // when the outsider addresses this project's things through their own project's paths
        List<Integer> answers = List.of(
                outsider.send("GET", own + "/robots/" + targets.robotId).statusCode(),
                outsider.send("POST", own + "/robots/" + targets.robotId + "/rotate").statusCode(),
                outsider.send("DELETE", own + "/robots/" + targets.robotId).statusCode(),
                outsider.send("GET", own + "/repositories/" + fixture.project + "/app/artifacts").statusCode(),
                outsider.send("DELETE", own + "/repositories/" + fixture.project + "/app/artifacts/" + digest).statusCode(),
                outsider.send("DELETE", own + "/repositories/" + fixture.project + "/app").statusCode(),
                outsider.send("DELETE", own + "/members/" + member).statusCode(),
                outsider.send("GET", own + "/robots").statusCode());

        // then nothing of this project is reached (the last call, their own robots, works), and all is still there
        assertThat(answers).containsExactly(404, 404, 404, 404, 404, 404, 404, 200);
        expect(admin.send("GET", "/v2/" + fixture.project + "/app/manifests/" + digest), 200);
        expect(admin.send("GET", "/api/v1/projects/" + fixture.project + "/robots/" + targets.robotId), 200);
        assertThat(projects.members(projects.require(fixture.project).id())).extracting(Member::principalName).contains(member);
    }

    /** What the actions act on, made fresh where an action uses it up. */
    private final class Targets {
        private final AccessFixture fixture;
        private final Project project;
        private final String base;
        private final long robotId;
        private final long toAdd;
        private final long toRemove;
        private final String toAddName;
        private final String toRemoveName;
        private final String repository;

        Targets(AccessFixture fixture) {
            this.fixture = fixture;
            this.project = projects.require(fixture.project);
            this.base = "/api/v1/projects/" + fixture.project;
            this.robotId = robots.create(new RobotService.Spec("rotated", null, fixture.project,
                    Map.of(fixture.project, EnumSet.of(Action.PULL)), false, -1), "admin").robot().id();
            this.toAddName = unique("to-add");
            this.toRemoveName = unique("to-remove");
            this.toAdd = users.create(toAddName, AccessFixture.PASSWORD, null, null, false).id();
            this.toRemove = users.create(toRemoveName, AccessFixture.PASSWORD, null, null, false).id();
            this.repository = fixture.project + "/app";
            pushImage(admin, repository, "v1", 50);
        }

        /** Column name to the request, in the table's order. */
        Map<String, Function<RegistryClient, HttpResponse<String>>> actions() {
            Map<String, Function<RegistryClient, HttpResponse<String>>> a = new LinkedHashMap<>();
            a.put("read", c -> c.send("GET", base));
            a.put("upd", c -> send(c, "PATCH", base, "{\"public\":false}"));
            a.put("del", c -> c.send("DELETE", "/api/v1/projects/" + emptyProjectWithTheSameUsers()));
            a.put("m-ls", c -> c.send("GET", base + "/members"));
            a.put("m-add", c -> {
                if (isMember(toAdd)) {
                    projects.removeMember(project.id(), toAdd);
                }
                return send(c, "POST", base + "/members", "{\"username\":\"" + toAddName + "\",\"role\":\"guest\"}");
            });
            a.put("m-rm", c -> {
                projects.setMember(project.id(), toRemove, Role.GUEST);
                return c.send("DELETE", base + "/members/" + toRemoveName);
            });
            a.put("r-ls", c -> c.send("GET", base + "/robots"));
            a.put("r-new", c -> send(c, "POST", base + "/robots", "{\"name\":\"" + unique("made") + "\",\"permissions\":[\"pull\"]}"));
            a.put("r-rot", c -> c.send("POST", base + "/robots/" + robotId + "/rotate"));
            a.put("r-del", c -> c.send("DELETE", base + "/robots/" + robots.create(new RobotService.Spec(unique("doomed"), null,
                    fixture.project, Map.of(fixture.project, EnumSet.of(Action.PULL)), false, -1), "admin").robot().id()));
            a.put("repos", c -> c.send("GET", base + "/repositories"));
            a.put("arts", c -> c.send("GET", base + "/repositories/" + repository + "/artifacts"));
            a.put("a-del", c -> c.send("DELETE", base + "/repositories/" + repository + "/artifacts/"
                    + pushImage(admin, repository, unique("t"), 20).digest()));
            a.put("audit", c -> c.send("GET", base + "/audit"));
            a.put("ret", c -> c.send("GET", base + "/retention"));
            a.put("ret-run", c -> c.send("POST", base + "/retention/executions?dryRun=true"));
            a.put("u-ls", c -> c.send("GET", "/api/v1/users"));
            a.put("u-new", c -> send(c, "POST", "/api/v1/users", "{\"username\":\"" + unique("new") + "\",\"password\":\""
                    + AccessFixture.PASSWORD + "\"}"));
            a.put("srch", c -> c.send("GET", "/api/v1/search?q=" + fixture.project));
            return a;
        }

        private boolean isMember(long userId) {
            return projects.members(project.id()).stream().anyMatch(m -> m.principalId() == userId);
        }

        /** A new private project where each of the fixture's users has the role they have in the fixture's project. */
        private String emptyProjectWithTheSameUsers() {
            Principal.User admin = new Principal.User(users.find(UserService.ADMIN).orElseThrow().id(), UserService.ADMIN, true);
            Project fresh = creator.create(admin, unique("del"), false, null);
            for (Member m : projects.members(project.id())) {
                projects.setMember(fresh.id(), m.principalId(), m.role());
            }
            return fresh.name();
        }
    }

    private static String normalized(String table) {
        List<String> lines = new ArrayList<>();
        table.lines().filter(l -> !l.isBlank()).forEach(l -> lines.add(String.join(" ", l.trim().split("\\s+"))));
        return lines.stream().collect(Collectors.joining("\n"));
    }
}
