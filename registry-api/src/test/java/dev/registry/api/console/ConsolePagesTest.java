package dev.registry.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * Issue 13, pages 1 and 2 (Projects, Project → Repositories) and the console's own error pages,
 * over HTTP as a signed-in user: what the page lists is what {@code AccessService} lets the user
 * see, a refused or unknown page is a page of the console in words, and creating a project shows
 * the server's refusal next to the field.
 */
@RegistryIntegrationTest
class ConsolePagesTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private AccessFixture fixture;
    private Browser developer;

    @BeforeEach
    void signIn() {
        fixture = AccessFixture.create(context);
        String[] credentials = fixture.credentials("developer").split(":", 2);
        developer = new Browser(port);
        developer.signIn(credentials[0], credentials[1]);
    }

    @Test
    void theProjectsPageListsWhatTheUserMaySeeWithRoleAndUsageAndFiltersByName() {
        new RegistryClient(port).pushBlob(fixture.project + "/app", "x".getBytes()); // no manifest: not a repository yet
        HttpResponse<String> page = developer.get("/projects?q=" + fixture.project);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(">" + fixture.project + "</a>", "developer", "private")
                .doesNotContain(">" + fixture.otherProject + "</a>");
        assertThat(developer.get("/projects?q=" + fixture.otherProject).body()).contains("No project matches.");
        assertThat(developer.get("/projects?page=0").statusCode()).isEqualTo(400);
    }

    @Test
    void creatingAProjectRedirectsToItAndARefusalIsShownInWordsNextToTheField() {
        String name = "console" + System.nanoTime() % 1000000;
        developer.get("/projects");
        HttpResponse<String> created = developer.post("/projects", true, "name", name);
        assertThat(created.statusCode()).isEqualTo(302);
        assertThat(created.headers().firstValue("Location").orElseThrow()).endsWith("/projects/" + name);

        HttpResponse<String> project = developer.get("/projects/" + name);
        assertThat(project.statusCode()).isEqualTo(200);
        assertThat(project.body()).contains("<title>" + name + " · registry</title>", "No repository yet",
                "docker push 127.0.0.1:" + port + "/" + name + "/app:1.0");

        HttpResponse<String> again = developer.post("/projects", true, "name", name);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("id=\"name-error\"", "already exists");
        HttpResponse<String> bad = developer.post("/projects", true, "name", "Bad Name");
        assertThat(bad.body()).contains("id=\"name-error\"").contains("value=\"Bad Name\"");
    }

    @Test
    void aHiddenProjectAndAnUnknownPageAreTheConsolesOwn404() {
        HttpResponse<String> hidden = developer.get("/projects/" + fixture.otherProject);
        assertThat(hidden.statusCode()).isEqualTo(404);
        assertThat(hidden.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(hidden.body()).contains("404 Not Found", "does not exist or is not visible").doesNotContain("Exception");

        HttpResponse<String> unknown = developer.get("/projects/" + fixture.project + "/no-such-page/x");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("there is no page at");
    }

    /** Issue 13: the header's search calls the interoperability issue's search (projects and repositories by name). */
    @Test
    void theSearchFindsProjectsAndRepositoriesTheUserMaySeeOnly() {
        new RegistryClient(port).pushManifest(fixture.project + "/searchable", "1", dev.registry.api.TestImages.OCI_MANIFEST,
                pushedImage(fixture.project + "/searchable"));
        new RegistryClient(port).pushManifest(fixture.otherProject + "/searchable", "1", dev.registry.api.TestImages.OCI_MANIFEST,
                pushedImage(fixture.otherProject + "/searchable"));

        HttpResponse<String> found = developer.get("/search?q=searchable");
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.body()).contains("<title>Search: searchable · registry</title>", fixture.project + "/searchable",
                        "href=\"/projects/" + fixture.project + "/repositories/searchable\"")
                .doesNotContain(fixture.otherProject + "/searchable");
        assertThat(developer.get("/search?q=" + fixture.project).body()).contains(">" + fixture.project + "</a>");
        assertThat(developer.get("/search?q=" + fixture.otherProject).body()).contains("No project matches.", "No repository matches.");
        assertThat(developer.get("/search?q=" + "x".repeat(256)).statusCode()).isEqualTo(400);
        assertThat(developer.get("/projects").body()).contains("action=\"/search\"", "for=\"find\"");
    }

    private String pushedImage(String repository) {
        RegistryClient admin = new RegistryClient(port);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes();
        byte[] layer = ("layer of " + repository).getBytes();
        return dev.registry.api.TestImages.ociManifest(admin.pushBlob(repository, config), config.length,
                admin.pushBlob(repository, layer), layer.length);
    }
}
