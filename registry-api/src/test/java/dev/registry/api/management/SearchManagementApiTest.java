package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.access.AccessFixture;
import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.access.RobotService;
import dev.registry.core.access.UserService;
import dev.registry.core.project.Role;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12, "docker search": the same search in {@code /api/v1} for the console,
 * {@code GET /api/v1/search?q=} in the style of Harbor's {@code /api/v2.0/search}: projects and
 * repositories by name, only what the caller may see, each list paged on its own.
 */
class SearchManagementApiTest extends ManagementTestBase {

    private AccessFixture fixture;
    private String stem;
    /** private; the fixture's guest is a member, {@link #robot} may pull */
    private String mine;
    /** public; its name holds an underscore after the stem */
    private String open;
    /** private; no member but the admin */
    private String theirs;
    private RegistryClient robot;

    @BeforeEach
    void threeProjectsWithARepositoryEach() {
        fixture = fixture();
        stem = unique("hunt");
        Principal.User root = new Principal.User(users.find(UserService.ADMIN).orElseThrow().id(), UserService.ADMIN, true);
        mine = creator.create(root, stem + "-mine", false, null).name();
        open = creator.create(root, stem + "_open", true, null).name();
        theirs = creator.create(root, stem + "-theirs", false, null).name();
        String guest = fixture.credentials("guest").split(":")[0];
        projects.setMember(projects.require(mine).id(), users.find(guest).orElseThrow().id(), Role.GUEST);
        RobotService.WithSecret puller = robots.create(new RobotService.Spec(unique("finder"), null, mine,
                Map.of(mine, EnumSet.of(Action.PULL)), false, -1), "admin");
        robot = new RegistryClient(port, puller.robot().name(), puller.secret());
        pushImage(admin, mine + "/app", "1", 30);
        pushImage(admin, mine + "/app", "2", 31);
        pushImage(admin, open + "/web", "1", 32);
        pushImage(admin, theirs + "/app", "1", 33);
        admin.pushBlob(theirs + "/blobs-only", new byte[] {1, 2, 3}); // no manifest: no repository
    }

    private static HttpResponse<String> search(RegistryClient client, String query) {
        return client.send("GET", "/api/v1/search?" + query);
    }

    private static JsonNode found(RegistryClient client, String query) {
        return json(expect(search(client, query), 200));
    }

    private static List<String> names(JsonNode results, String list) {
        return results.get(list).valueStream().map(n -> n.get("name").asString()).toList();
    }

    /** Asserts both lists, by name, and their totals equal to their length. */
    private static void assertFinds(JsonNode results, List<String> projects, List<String> repositories) {
        assertThat(names(results, "project")).containsExactlyElementsOf(projects);
        assertThat(names(results, "repository")).containsExactlyElementsOf(repositories);
        assertThat(results.get("projectTotal").asLong()).isEqualTo(projects.size());
        assertThat(results.get("repositoryTotal").asLong()).isEqualTo(repositories.size());
    }

    @Test
    void a_system_admin_finds_every_project_and_repository_holding_the_term() {
        assertFinds(found(admin, "q=" + stem), List.of(mine, theirs, open), List.of(mine + "/app", theirs + "/app", open + "/web"));
    }

    @Test
    void a_member_finds_their_private_project_and_public_ones_an_outsider_and_anonymous_callers_public_ones_only() {
        assertFinds(found(fixture.basic(port, "guest"), "q=" + stem), List.of(mine, open), List.of(mine + "/app", open + "/web"));
        assertFinds(found(fixture.basic(port, "outsider"), "q=" + stem), List.of(open), List.of(open + "/web"));
        // anonymous callers may list public projects (GET /projects), so they may search them too
        assertFinds(found(RegistryClient.anonymous(port), "q=" + stem), List.of(open), List.of(open + "/web"));
    }

    @Test
    void robots_find_only_within_the_projects_they_may_pull_from() {
        assertFinds(found(robot, "q=" + stem), List.of(mine, open), List.of(mine + "/app", open + "/web"));
        assertFinds(found(fixture.basic(port, "system-robot"), "q=" + stem), List.of(mine, theirs, open),
                List.of(mine + "/app", theirs + "/app", open + "/web"));
        assertFinds(found(fixture.basic(port, "robot-other-project"), "q=" + stem), List.of(open), List.of(open + "/web"));
    }

    @Test
    void every_caller_of_the_access_fixture_finds_its_private_project_exactly_when_they_may_pull_there() {
        pushImage(admin, fixture.project + "/app", "1", 34);
        Map<String, Boolean> finds = new java.util.LinkedHashMap<>();
        Map<String, Boolean> expected = new java.util.LinkedHashMap<>();
        for (String caller : fixture.callers()) {
            if (caller.equals("robot-disabled") || caller.equals("robot-expired")) {
                continue; // refused at sign-in (401), see ManagementPermissionMatrixTest
            }
            JsonNode results = found(fixture.basic(port, caller), "q=" + fixture.project);
            finds.put(caller, names(results, "project").contains(fixture.project)
                    && names(results, "repository").contains(fixture.project + "/app"));
            expected.put(caller, !List.of("anonymous", "outsider", "robot-other-project").contains(caller));
        }
        assertThat(finds).isEqualTo(expected);
    }

    @Test
    void a_project_and_a_repository_are_shown_as_the_project_list_and_the_repository_list_show_them() {
        JsonNode results = found(fixture.basic(port, "guest"), "q=" + mine);
        JsonNode listedProject = json(expect(admin.send("GET", "/api/v1/projects?q=" + mine), 200)).get(0);
        JsonNode listedRepository = json(expect(admin.send("GET", "/api/v1/projects/" + mine + "/repositories"), 200)).get(0);
        assertThat(results.get("project")).containsExactly(listedProject);
        assertThat(results.get("repository")).containsExactly(listedRepository);
        assertThat(listedRepository.get("artifactCount").asLong()).isEqualTo(2);
    }

    @Test
    void the_term_ignores_case_and_percent_and_underscore_are_literal() {
        assertFinds(found(admin, "q=" + stem.toUpperCase()), List.of(mine, theirs, open),
                List.of(mine + "/app", theirs + "/app", open + "/web"));
        // as a wildcard, _ would match the - of the other two
        assertFinds(found(admin, "q=" + stem + "_"), List.of(open), List.of(open + "/web"));
        assertFinds(found(admin, "q=" + URLEncoder.encode(stem + "%", StandardCharsets.UTF_8)), List.of(), List.of());
        assertFinds(found(admin, "q=%25"), List.of(), List.of());
        assertFinds(found(admin, "q=" + URLEncoder.encode("hunt-%-mine", StandardCharsets.UTF_8)), List.of(), List.of());
    }

    @Test
    void page_and_page_size_bound_each_list_and_the_totals_count_all() {
        JsonNode first = found(admin, "q=" + stem + "&page_size=2");
        assertThat(names(first, "project")).containsExactly(mine, theirs);
        assertThat(names(first, "repository")).containsExactly(mine + "/app", theirs + "/app");
        assertThat(first.get("projectTotal").asLong()).isEqualTo(3);
        assertThat(first.get("repositoryTotal").asLong()).isEqualTo(3);

        JsonNode second = found(admin, "q=" + stem + "&page_size=2&page=2");
        assertThat(names(second, "project")).containsExactly(open);
        assertThat(names(second, "repository")).containsExactly(open + "/web");
        assertThat(second.get("projectTotal").asLong()).isEqualTo(3);

        JsonNode beyond = found(admin, "q=" + stem + "&page_size=2&page=3");
        assertThat(names(beyond, "project")).isEmpty();
        assertThat(names(beyond, "repository")).isEmpty();
        assertThat(beyond.get("repositoryTotal").asLong()).isEqualTo(3);

        assertProblem(search(admin, "q=" + stem + "&page_size=0"), 400, "page_size");
        assertProblem(search(admin, "q=" + stem + "&page_size=101"), 400, "page_size");
        assertProblem(search(admin, "q=" + stem + "&page=0"), 400, "page");
        assertProblem(search(admin, "q=" + stem + "&page=" + (Paging.MAX_PAGE + 1)), 400, "page");
        assertProblem(search(admin, "q=" + stem + "&page_size=many"), 400, "page_size");
    }

    @Test
    void a_missing_blank_or_too_long_term_is_400_naming_q() {
        assertProblem(search(admin, ""), 400, "q");
        assertProblem(search(admin, "q="), 400, "q");
        assertProblem(search(admin, "q=%20%20"), 400, "q");
        assertProblem(search(RegistryClient.anonymous(port), "page=1"), 400, "q");
        assertProblem(search(admin, "q=" + "a".repeat(256)), 400, "q");
        assertFinds(found(admin, "q=" + "a".repeat(255)), List.of(), List.of());
    }

    @Test
    void a_bearer_token_is_refused_as_everywhere_in_the_management_api() {
        HttpResponse<String> token = fixture.basic(port, "developer").send("GET", "/service/token?service=registry&scope="
                + URLEncoder.encode("repository:" + fixture.project + "/app:pull", StandardCharsets.UTF_8));
        String bearer = "Bearer " + json(expect(token, 200)).get("token").asString();
        assertProblem(search(RegistryClient.withAuthorization(port, bearer), "q=" + stem), 401, null);
    }
}
