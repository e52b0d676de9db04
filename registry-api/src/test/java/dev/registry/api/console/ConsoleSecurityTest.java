package dev.registry.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 13, "How it is built": the console's sign-in and its protections, over HTTP against the
 * running application: form sign-in through the registry's users (robots refused, the same
 * throttle as /v2), CSRF on every state-changing request, the session cookie's attributes, a new
 * session id at sign-in, sign-out that ends the session, the Content-Security-Policy and
 * {@code frame-ancestors 'none'}, sessions kept in the database; and the APIs untouched by any of it.
 */
@RegistryIntegrationTest
class ConsoleSecurityTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcTemplate jdbc;

    private AccessFixture fixture;
    private String[] developer;

    @BeforeEach
    void users() {
        fixture = AccessFixture.create(context);
        developer = fixture.credentials("developer").split(":", 2);
    }

    @Test
    void aPageNeedsSignInAndTheFormSignsInWithANewSessionAndTheCookieAttributes() {
        Browser browser = new Browser(port);
        HttpResponse<String> page = browser.get("/projects");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElseThrow()).endsWith("/login");

        HttpResponse<String> form = browser.get("/login");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("<title>Sign in · registry</title>", "name=\"_csrf\"", "for=\"username\"");
        String before = browser.cookie(Browser.SESSION);

        HttpResponse<String> signedIn = browser.signIn(developer[0], developer[1]);
        assertThat(signedIn.statusCode()).isEqualTo(302);
        // back to the page asked for first (Spring Security marks a restored request with ?continue)
        assertThat(signedIn.headers().firstValue("Location").orElseThrow()).matches(".*/projects(\\?continue)?");
        String cookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(Browser.SESSION + "="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Path=/").doesNotContain("Secure");
        assertThat(browser.cookie(Browser.SESSION)).as("session id changed at sign-in").isNotEqualTo(before);

        HttpResponse<String> projects = browser.get("/projects");
        assertThat(projects.statusCode()).isEqualTo(200);
        assertThat(projects.body()).contains("<title>Projects · registry</title>", fixture.project, developer[0]);
        // the session lives in the database (Spring Session JDBC), not in this process's memory
        assertThat(jdbc.queryForObject("SELECT count(*) FROM spring_session WHERE principal_name IS NOT NULL", Long.class))
                .isPositive();
        // idle for spring.session.timeout (application.properties: 30m) before it ends (ConsoleSessionConfiguration)
        assertThat(jdbc.queryForList("SELECT max_inactive_interval FROM spring_session WHERE principal_name IS NOT NULL",
                Integer.class)).isNotEmpty().containsOnly(1800);
    }

    @Test
    void everyConsoleAnswerCarriesTheContentSecurityPolicyAndRefusesFraming() {
        HttpResponse<String> form = new Browser(port).get("/login");
        String csp = form.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("frame-ancestors 'none'", "script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(form.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(form.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(form.body()).doesNotContain("<script>").doesNotContain("style=");
    }

    /**
     * The browser asks {@code /favicon.ico} by itself, signed in or not: it gets the console's icon
     * (an SVG, as every page's {@code <link rel="icon">} names it), not a 404, and no session for it.
     */
    @Test
    void theFaviconIsServedWithoutSignInAndEveryPageNamesIt() {
        Browser visitor = new Browser(port);
        for (String path : List.of("/favicon.ico", "/ui/favicon.svg")) {
            HttpResponse<String> icon = visitor.get(path);
            assertThat(icon.statusCode()).as(path).isEqualTo(200);
            assertThat(icon.headers().firstValue("Content-Type").orElseThrow()).as(path).startsWith("image/svg+xml");
            assertThat(icon.body()).as(path).startsWith("<svg").doesNotContain("<script");
            assertThat(icon.headers().allValues("Set-Cookie")).as(path).isEmpty();
        }
        assertThat(visitor.get("/login").body()).contains("<link rel=\"icon\" href=\"/ui/favicon.svg\" type=\"image/svg+xml\">");
        visitor.signIn(developer[0], developer[1]);
        assertThat(visitor.get("/projects").body()).contains("<link rel=\"icon\" href=\"/ui/favicon.svg\"");
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefused() {
        Browser browser = new Browser(port);
        browser.get("/login");
        assertThat(browser.post("/login", false, "username", developer[0], "password", developer[1]).statusCode()).isEqualTo(403);

        browser.signIn(developer[0], developer[1]);
        String name = "csrf" + System.nanoTime() % 1000000;
        assertThat(browser.post("/projects", false, "name", name).statusCode()).isEqualTo(403);
        assertThat(browser.post("/logout", false).statusCode()).isEqualTo(403);
        assertThat(browser.get("/projects").statusCode()).as("still signed in").isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM project WHERE name = ?", Long.class, name)).isZero();
    }

    @Test
    void signOutEndsTheSessionAndItsCookieNoLongerSignsIn() {
        Browser browser = new Browser(port);
        browser.signIn(developer[0], developer[1]);
        String session = browser.cookie(Browser.SESSION);
        browser.get("/projects"); // the CSRF token changes at sign-in: the sign-out form of a page signed in

        HttpResponse<String> out = browser.post("/logout", true);

        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("Location").orElseThrow()).endsWith("/login?signed-out");
        Browser replay = new Browser(port);
        replay.setCookie(Browser.SESSION, session);
        assertThat(replay.get("/projects").statusCode()).isEqualTo(302);
    }

    @Test
    void robotsCannotSignInAndWrongPasswordsMeetTheSameThrottleAsTheApis() {
        Browser browser = new Browser(port);
        String[] robot = fixture.credentials("robot-pull").split(":", 2);
        HttpResponse<String> refused = browser.signIn(robot[0], robot[1]);
        assertThat(refused.headers().firstValue("Location").orElseThrow()).endsWith("/login?error");
        assertThat(browser.get("/login?error").body()).contains("robot accounts cannot sign in to the console");

        // LoginPolicy: 5 failures per name and address cost nothing, a wait follows each further one,
        // the same for /v2 and the console
        String[] guest = fixture.credentials("guest").split(":", 2);
        for (int i = 0; i < 6; i++) {
            browser.signIn(guest[0], "wrong-Passw0rd");
        }
        assertThat(browser.get("/login?error").body()).contains("wrong username or password");
        browser.signIn(guest[0], guest[1]);
        assertThat(browser.get("/login?error").body()).contains("too many failed sign-ins");
        assertThat(new RegistryClient(port, guest[0], guest[1]).send("GET", "/v2/").statusCode()).isEqualTo(429);
    }

    @Test
    void theApisAreUntouchedNoSessionNoCookieNoConsoleHeaders() {
        for (String path : List.of("/v2/", "/api/v1/users/current", "/v1/search?q=x")) {
            HttpResponse<String> r = new RegistryClient(port).send("GET", path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().allValues("Set-Cookie")).as(path).isEmpty();
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).isEmpty();
        }
        // Spring Security's firewall never sees /v2: its own answer for an encoded slash stays
        HttpResponse<String> encoded = new RegistryClient(port).send("GET", "/v2/a%2Fb/manifests/latest");
        assertThat(encoded.statusCode()).isEqualTo(400);
        assertThat(encoded.body()).contains("NAME_INVALID");
        // the root leads to the console
        HttpResponse<String> root = new Browser(port).get("/");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location").orElseThrow()).endsWith("/projects");
    }
}
