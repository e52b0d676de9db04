package dev.registry.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The proxy cache in the console (issue 16, docs/proxy-cache.md): Administration, Registries lists, adds, tests and
 * deletes registry endpoints (a secret typed once, never shown); a system admin creates a proxy project from the
 * projects page. Nobody else sees or uses either.
 */
@RegistryIntegrationTest
class ConsoleRegistriesTest {

    private static final AtomicInteger NAMES = new AtomicInteger();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcTemplate jdbc;
    private Browser admin;
    private AccessFixture fixture;

    @BeforeEach
    void signIn() {
        fixture = AccessFixture.create(context);
        admin = new Browser(port);
        assertThat(admin.signIn(RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD).statusCode()).isEqualTo(302);
    }

    private static String unique(String stem) {
        return stem + NAMES.incrementAndGet() + "x" + System.nanoTime() % 100000;
    }

    @Test
    void anAdminAddsARegistryWhoseSecretIsNeverShownAndTestsAndDeletesIt() {
        String name = unique("hub");
        admin.get("/admin/registries");
        HttpResponse<String> added = admin.post("/admin/registries", true, "name", name, "url", "http://127.0.0.1:1",
                "username", "me", "secret", "Console-Secret-9", "verifyTls", "true");
        assertThat(added.statusCode()).isEqualTo(302);
        HttpResponse<String> page = admin.get("/admin/registries");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(name, "http://127.0.0.1:1", "me (secret stored)", "added").doesNotContain("Console-Secret-9");
        assertThat(jdbc.queryForObject("SELECT secret FROM registry_endpoint WHERE name = ?", String.class, name))
                .doesNotContain("Console-Secret-9");

        // the test says in words that nothing answers there
        assertThat(admin.post("/admin/registries/" + name + "/test", true).statusCode()).isEqualTo(302);
        assertThat(admin.get("/admin/registries").body()).contains(name + ": upstream " + name, "could not be reached");

        assertThat(admin.post("/admin/registries/" + name + "/delete", true).statusCode()).isEqualTo(302);
        assertThat(admin.get("/admin/registries").body()).contains("Registry " + name + " deleted.");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM registry_endpoint WHERE name = ?", Long.class, name)).isZero();
    }

    @Test
    void badInputIsShownNextToTheFormWithWhatWasTypedKeptButTheSecret() {
        admin.get("/admin/registries");
        HttpResponse<String> bad = admin.post("/admin/registries", true, "name", "typed-name", "url", "ftp://x.example",
                "username", "someone", "secret", "Never-Echoed-1");
        assertThat(bad.statusCode()).isEqualTo(200);
        assertThat(bad.body()).contains("id=\"registry-error\"", "must be http:// or https://", "value=\"typed-name\"",
                "value=\"ftp://x.example\"", "value=\"someone\"").doesNotContain("Never-Echoed-1");
    }

    @Test
    void anAdminCreatesAProxyProjectFromTheProjectsPageAndARegistryInUseStays() {
        String registry = unique("up");
        admin.get("/admin/registries");
        admin.post("/admin/registries", true, "name", registry, "url", "https://registry.example.test");
        HttpResponse<String> projects = admin.get("/projects");
        assertThat(projects.body()).contains("Proxy cache of", "value=\"" + registry + "\"");

        String project = unique("cache");
        HttpResponse<String> created = admin.post("/projects", true, "name", project, "public", "true", "proxyOf", registry);
        assertThat(created.statusCode()).isEqualTo(302);
        assertThat(created.headers().firstValue("Location").orElseThrow()).endsWith("/projects/" + project);
        assertThat(new RegistryClient(port).send("GET", "/api/v1/projects/" + project).body()).contains("\"endpoints\":[\"" + registry + "\"]");
        assertThat(admin.get("/projects?q=" + project).body()).contains("public</span>, proxy cache");
        // nobody pushes into it
        assertThat(new RegistryClient(port).send("POST", "/v2/" + project + "/app/blobs/uploads/").statusCode()).isEqualTo(403);

        admin.get("/admin/registries");
        admin.post("/admin/registries/" + registry + "/delete", true);
        assertThat(admin.get("/admin/registries").body()).contains("is an upstream of the proxy project(s) " + project);
    }

    @Test
    void nobodyButASystemAdminSeesOrUsesRegistriesOrMakesAProxyProject() {
        Browser developer = new Browser(port);
        String[] credentials = fixture.credentials("developer").split(":", 2);
        assertThat(developer.signIn(credentials[0], credentials[1]).statusCode()).isEqualTo(302);
        assertThat(developer.get("/admin/registries").statusCode()).isEqualTo(403);
        developer.get("/projects");
        String name = unique("sneaky");
        assertThat(developer.post("/admin/registries", true, "name", name, "url", "https://x.example").statusCode()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM registry_endpoint WHERE name = ?", Long.class, name)).isZero();
        assertThat(developer.get("/projects").body()).doesNotContain("Proxy cache of");

        String registry = unique("up");
        admin.get("/admin/registries");
        admin.post("/admin/registries", true, "name", registry, "url", "https://registry.example.test");
        String project = unique("notmine");
        developer.get("/projects");
        HttpResponse<String> refused = developer.post("/projects", true, "name", project, "proxyOf", registry);
        assertThat(refused.body()).contains("is not a system administrator");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM project WHERE name = ?", Long.class, project)).isZero();
    }
}
