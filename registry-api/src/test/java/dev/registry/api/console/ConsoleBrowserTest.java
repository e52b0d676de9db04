package dev.registry.api.console;

import static dev.registry.api.RegistryIntegrationTest.ADMIN;
import static dev.registry.api.RegistryIntegrationTest.ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.clients.Cli;
import dev.registry.api.clients.ImageLayout;
import dev.registry.api.clients.Skopeo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 13, "Tests": the console in a real browser (headless chromium through Selenium) against the
 * running registry: sign in by keyboard, create a project through its form, push an image into it
 * with skopeo and find its repository on the project page, the pages at a phone's width, no error
 * in the browser's console on any page (the Content-Security-Policy lets htmx and
 * {@code console.js} run, and a violation would show), sign out. Each main page is written as a
 * PNG under {@code target/screenshots/}.
 *
 * <p>One browser for the class; each test starts signed out. The later flows (robots, members,
 * policies, GC, artifacts) are in {@link ConsoleBrowserFlowsTest}, with the same {@link ConsoleBrowser}.
 */
@RegistryIntegrationTest
class ConsoleBrowserTest {

    @TempDir
    static Path work;
    private static ConsoleBrowser browser;
    private static int port;

    @BeforeAll
    static void startBrowser(@LocalServerPort int serverPort) {
        port = serverPort;
        browser = ConsoleBrowser.start(port);
    }

    @AfterAll
    static void quitBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void signedOutOnADesktop() {
        browser.desktop();
        browser.open("/login");
        browser.forgetSession();
    }

    /** Issue 13, "usable by keyboard, labelled form fields": the sign-in form is filled and sent without a mouse. */
    @Test
    void signingInWorksByKeyboardAloneThroughLabelledFields() {
        browser.open("/projects");
        assertThat(browser.path()).as("a signed-out visitor is sent to sign in").startsWith("/login");
        assertThat(browser.driver().getTitle()).isEqualTo("Sign in · registry");
        browser.screenshot("login");

        assertThat(browser.focused().getDomAttribute("id")).as("the username has the focus").isEqualTo("username");
        assertThat(browser.field("Username").getDomAttribute("id")).isEqualTo("username");
        assertThat(browser.field("Password").getDomAttribute("id")).isEqualTo("password");
        keys(ADMIN, Keys.TAB);
        assertThat(browser.focused().getDomAttribute("id")).isEqualTo("password");
        keys(ADMIN_PASSWORD, Keys.TAB);
        assertThat(browser.focused().getText()).isEqualTo("Sign in");
        browser.pressKeyAndWaitForPage(Keys.ENTER);

        assertThat(browser.path()).startsWith("/projects");
        assertThat(browser.driver().getTitle()).isEqualTo("Projects · registry");
        keys(Keys.TAB);
        assertThat(browser.focused().getText()).as("the first stop on every page skips the header").isEqualTo("Skip to content");
    }

    /**
     * Issue 13, "sign in, create a project, push an image with skopeo and find it in the console":
     * the empty project shows how to push into it with this registry's host; after a real skopeo
     * push its repository is listed with its artifact.
     */
    @Test
    void aProjectCreatedThroughTheFormListsTheRepositorySkopeoPushedIntoIt() {
        Cli.assumeOnPath("skopeo");
        String project = "browser" + System.nanoTime() % 1_000_000;
        browser.signIn(ADMIN, ADMIN_PASSWORD);
        // inline validation of the name: the browser itself refuses a bad name (the pattern is a valid regex)
        browser.fill("Name", "Bad Name");
        assertThat(browser.script("return arguments[0].validity.patternMismatch", browser.field("Name"))).isEqualTo(true);
        browser.fill("Name", project);
        assertThat(browser.script("return arguments[0].checkValidity()", browser.field("Name"))).isEqualTo(true);
        browser.click("Create project");

        assertThat(browser.path()).isEqualTo("/projects/" + project);
        assertThat(browser.driver().getTitle()).isEqualTo(project + " · registry");
        String host = "127.0.0.1:" + port;
        assertThat(browser.text()).contains("No repository yet").doesNotContain("0–0 of 0");
        assertThat(browser.driver().findElement(By.cssSelector("pre")).getText()).as("the commands, one a line").isEqualTo(
                "docker login " + host + "\ndocker tag app:1.0 " + host + "/" + project + "/app:1.0\ndocker push " + host + "/"
                        + project + "/app:1.0");
        browser.screenshot("project-empty");

        ImageLayout layout = ImageLayout.create(work.resolve(project));
        layout.tag("1.0", layout.image("linux", "amd64", project, List.of(
                layout.layer(ImageLayout.files("bin/app", "#!/bin/sh\necho " + project + "\n")))).manifest());
        new Skopeo(Cli.isolatedContainersEnvironment(work.resolve("containers")), work, port)
                .copyIn(layout, "1.0", project + "/app:1.0");

        browser.open("/projects/" + project);
        assertThat(browser.rows()).singleElement().asString().startsWith(project + "/app 1 ");
        browser.screenshot("project");

        browser.open("/projects?q=" + project);
        assertThat(browser.rows()).singleElement().asString().startsWith(project + " private 1 ");
        browser.click(project);
        assertThat(browser.path()).isEqualTo("/projects/" + project);
    }

    /**
     * Issue 13, "responsive down to a phone's width": at 390 × 844 the projects page needs no
     * sideways scrolling, even with a project name of 60 characters without a break in it.
     */
    @Test
    void theProjectsPageFitsAPhoneWithoutScrollingSideways() {
        String longName = ("phone" + System.nanoTime() + "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop").substring(0, 60);
        browser.signIn(ADMIN, ADMIN_PASSWORD);
        browser.fill("Name", longName);
        browser.click("Create project");
        browser.phone(390, 844);
        browser.open("/projects/" + longName);
        browser.assertNoHorizontalScroll();
        browser.screenshot("project-phone");
        browser.open("/projects?q=" + longName.substring(0, 30));
        assertThat(browser.rows()).singleElement().asString().startsWith(longName);
        browser.assertNoHorizontalScroll();
        browser.open("/projects");
        browser.assertNoHorizontalScroll();
        assertThat(browser.field("Name").isDisplayed()).as("the new-project form is there").isTrue();
        browser.screenshot("projects-phone");

        browser.desktop();
        browser.open("/projects");
        browser.screenshot("projects");
    }

    /**
     * Issue 13, "a Content-Security-Policy with no inline script": htmx and {@code console.js} run
     * under the policy (every page so far was checked for browser errors on arrival), and the check
     * can fail: an inline script put into the page is refused, and the refusal is in the browser's log.
     */
    @Test
    void htmxAndConsoleJsRunUnderThePolicyAndAnInlineScriptIsRefusedAndLogged() {
        browser.signIn(ADMIN, ADMIN_PASSWORD);
        assertThat(browser.script("return typeof htmx === 'object' && typeof htmx.ajax === 'function'"))
                .as("htmx from its WebJar ran").isEqualTo(true);
        Object csrfHeader = browser.script("""
                var detail = {headers: {}};
                document.dispatchEvent(new CustomEvent('htmx:configRequest', {detail: detail}));
                return detail.headers[document.querySelector('meta[name="_csrf_header"]').content] || null;""");
        assertThat(csrfHeader).as("console.js ran: it adds the CSRF header to htmx requests")
                .isEqualTo(browser.driver().findElement(By.cssSelector("meta[name=_csrf]")).getDomAttribute("content"));

        browser.script("""
                var s = document.createElement('script');
                s.textContent = 'window.inlineScriptRan = true';
                document.body.appendChild(s);""");
        assertThat(browser.script("return window.inlineScriptRan === true")).isEqualTo(false);
        List<String> logged = new ArrayList<>();
        browser.waitFor(driver -> {
            browser.log().forEach(entry -> logged.add(entry.getMessage()));
            return logged.stream().anyMatch(message -> message.contains("Content Security Policy"));
        });
        assertThat(logged).anySatisfy(message -> assertThat(message).contains("Content Security Policy", "script-src 'self'"));
    }

    /** Issue 13, "sign-out that ends the session": after Sign out the old session cookie opens nothing. */
    @Test
    void signingOutEndsTheSession() {
        browser.signIn(ADMIN, ADMIN_PASSWORD);
        Cookie session = browser.driver().manage().getCookieNamed(Browser.SESSION);
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Lax");

        browser.signOut();
        assertThat(browser.text()).contains("You are signed out.");
        Cookie after = browser.driver().manage().getCookieNamed(Browser.SESSION);
        assertThat(after == null ? null : after.getValue()).as("the signed-out page's session is a new one")
                .isNotEqualTo(session.getValue());

        browser.driver().manage().addCookie(session); // the cookie a thief kept
        browser.open("/projects");
        assertThat(browser.path()).startsWith("/login");
    }

    private static void keys(CharSequence... keys) {
        new Actions(browser.driver()).sendKeys(keys).perform();
    }
}
