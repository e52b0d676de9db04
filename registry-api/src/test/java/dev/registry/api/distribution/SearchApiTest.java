package dev.registry.api.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.access.AccessFixture;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectCreator;
import dev.registry.core.access.UserService;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12, "docker search": {@code GET /v1/search?q=&n=&page=} as the Docker CLI/daemon calls it
 * (Basic or Bearer credentials, or none), limited to what the caller may pull.
 */
class SearchApiTest extends ApiTestBase {

    @Autowired
    ApplicationContext context;

    private AccessFixture fixture;
    private String term;
    private String publicRepo;
    private String memberRepo;
    private String otherRepo;
    private String libraryRepo;

    @BeforeEach
    void repositories() {
        fixture = AccessFixture.create(context);
        term = "srch" + System.nanoTime() % 1000000;
        UserService users = context.getBean(UserService.class);
        Principal.User admin = new Principal.User(users.find(UserService.ADMIN).orElseThrow().id(), UserService.ADMIN, true);
        String publicProject = context.getBean(ProjectCreator.class).create(admin, "pub" + term, true, null).name();
        publicRepo = publicProject + "/web-" + term;
        memberRepo = fixture.project + "/app-" + term;
        otherRepo = fixture.otherProject + "/app-" + term;
        libraryRepo = "library/" + term + "lib";
        pushImage(publicRepo, "1", 71);
        pushImage(memberRepo, "1", 72);
        pushImage(otherRepo, "1", 73);
        pushImage(term + "lib", "1", 74); // a one-component name is library/<name>
        client.pushBlob(publicProject + "/blobs-only-" + term, bytes(10, 75)); // no manifest: no repository yet
    }

    private static HttpResponse<String> search(RegistryClient as, String query) {
        return as.send("GET", "/v1/search?" + query);
    }

    private static List<String> names(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        json(response.body()).get("results").forEach(r -> names.add(r.get("name").asString()));
        return names;
    }

    @Test
    void anonymousCallersSeeOnlyRepositoriesOfPublicProjects() {
        List<String> names = names(search(RegistryClient.anonymous(port), "q=" + term));
        assertThat(names).contains(publicRepo).doesNotContain(memberRepo, otherRepo, publicRepo.replace("web-", "blobs-only-"));
    }

    @Test
    void aMemberSeesTheirPrivateProjectAndAnOutsiderDoesNotWithBasicCredentials() {
        assertThat(names(search(fixture.basic(port, "guest"), "q=" + term))).contains(publicRepo, memberRepo).doesNotContain(otherRepo);
        assertThat(names(search(fixture.basic(port, "outsider"), "q=" + term))).contains(publicRepo, otherRepo)
                .doesNotContain(memberRepo);
    }

    @Test
    void aProjectNameFindsTheProjectsRepositoriesOnlyForCallersWhoMayPullThere() {
        // issue 12, docker search "searching repository names (and project names)": a repository's name starts with its project's
        assertThat(names(search(fixture.basic(port, "guest"), "q=" + fixture.project))).contains(memberRepo)
                .allMatch(name -> name.startsWith(fixture.project + "/"));
        assertThat(names(search(fixture.basic(port, "guest"), "q=" + fixture.otherProject))).doesNotContain(otherRepo);
        assertThat(names(search(fixture.basic(port, "outsider"), "q=" + fixture.otherProject))).contains(otherRepo);
        assertThat(names(search(fixture.basic(port, "outsider"), "q=" + fixture.project))).doesNotContain(memberRepo);
        assertThat(names(search(RegistryClient.anonymous(port), "q=" + fixture.project))).doesNotContain(memberRepo);
    }

    @Test
    void aBearerTokenFromTheTokenServiceWorksAsTheDockerDaemonSendsIt() {
        HttpResponse<String> token = fixture.basic(port, "developer").send("GET", "/service/token?service=registry&scope="
                + URLEncoder.encode("registry:catalog:search", StandardCharsets.UTF_8));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        RegistryClient bearer = RegistryClient.withAuthorization(port, "Bearer " + json(token.body()).get("token").asString());
        assertThat(names(search(bearer, "q=" + term))).contains(publicRepo, memberRepo).doesNotContain(otherRepo);
        assertThat(search(RegistryClient.withAuthorization(port, "Bearer not-a-token"), "q=" + term).statusCode()).isEqualTo(401);
    }

    @Test
    void resultsArePagedCaseInsensitiveAndALibraryRepositoryIsOfficial() {
        HttpResponse<String> first = search(client, "q=" + term.toUpperCase() + "&n=3");
        JsonNode body = json(first.body());
        assertThat(names(first)).containsExactly(libraryRepo, otherRepo, memberRepo);
        assertThat(body.get("query").asString()).isEqualTo(term.toUpperCase());
        assertThat(body.get("num_results").asLong()).isEqualTo(4);
        assertThat(body.get("num_pages").asLong()).isEqualTo(2);
        assertThat(body.get("page").asInt()).isEqualTo(1);
        assertThat(body.get("page_size").asInt()).isEqualTo(3);
        JsonNode library = body.get("results").get(0);
        assertThat(library.get("is_official").asBoolean()).isTrue();
        assertThat(library.get("description").asString()).isEmpty();
        assertThat(library.get("star_count").asInt()).isZero();
        assertThat(library.get("is_automated").asBoolean()).isFalse();
        assertThat(body.get("results").get(1).get("is_official").asBoolean()).isFalse();

        HttpResponse<String> second = search(client, "q=" + term + "&n=3&page=2");
        assertThat(names(second)).containsExactly(publicRepo);
        assertThat(json(second.body()).get("page").asInt()).isEqualTo(2);
        assertThat(names(search(client, "q=" + term + "&n=3&page=3"))).isEmpty();
        assertThat(json(search(client, "q=" + term).body()).get("page_size").asInt()).isEqualTo(25);
        assertThat(names(search(client, "q=" + term + "_"))).isEmpty(); // _ and % are literal, not wildcards
    }

    @Test
    void badPagingOrAMissingTermIs400InTheOciErrorFormat() {
        assertOciError(search(client, "q=x&n=0"), 400, "PAGINATION_NUMBER_INVALID");
        assertOciError(search(client, "q=x&n=101"), 400, "PAGINATION_NUMBER_INVALID");
        assertOciError(search(client, "q=x&n=abc"), 400, "PAGINATION_NUMBER_INVALID");
        assertOciError(search(client, "q=x&page=0"), 400, "PAGINATION_NUMBER_INVALID");
        assertOciError(search(client, "n=10"), 400, "UNSUPPORTED");
    }
}
