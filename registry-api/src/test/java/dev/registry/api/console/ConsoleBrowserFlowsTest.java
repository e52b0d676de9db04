package dev.registry.api.console;

import static dev.registry.api.RegistryIntegrationTest.ADMIN;
import static dev.registry.api.RegistryIntegrationTest.ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import dev.registry.api.clients.Cli;
import dev.registry.api.clients.ImageLayout;
import dev.registry.api.clients.Skopeo;
import dev.registry.core.gc.GcRun;
import dev.registry.core.gc.GcService;
import dev.registry.web.pages.ConsoleFormat;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 13, "Tests": the flows of the console that {@link ConsoleBrowserTest} does not walk, in a
 * real browser (headless chromium through Selenium) against the running registry: copy a pull
 * command into the real clipboard, create a robot and see its secret exactly once (and pull with
 * it through skopeo), add a member with a role, set a tag immutability rule and see the tag
 * marked, write a retention rule and read its dry run, delete an artifact, and start garbage
 * collection from the admin pages and watch it finish. Each main page is written as a PNG under
 * {@code target/screenshots/}.
 *
 * <p>One browser and one skopeo environment for the class; one image pushed by skopeo into the
 * class's project before the tests. Each test signs in afresh and works in repositories of its own
 * inside that project, so the tests run in any order.
 */
@RegistryIntegrationTest
class ConsoleBrowserFlowsTest {

    private static final Pattern GC_RUN = Pattern.compile("/admin/gc/runs/(\\d+)$");

    @TempDir
    static Path work;
    private static ConsoleBrowser browser;
    private static int port;
    private static RegistryClient api;
    private static Map<String, String> containers;
    /** The class's project, and the repository skopeo pushed {@code app:1.0} into. */
    private static String project;
    private static String app;
    private static String appDigest;

    @Autowired
    GcService gc;
    @Autowired
    ConsoleFormat format;

    @BeforeAll
    static void startBrowserAndPush(@LocalServerPort int serverPort) {
        port = serverPort;
        api = new RegistryClient(port);
        project = "flows" + System.nanoTime() % 1_000_000;
        app = project + "/app";
        HttpResponse<String> created = api.send("POST", "/api/v1/projects", ("{\"name\":\"" + project + "\"}").getBytes(),
                Map.of("Content-Type", "application/json"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        browser = ConsoleBrowser.start(port);

        Cli.assumeOnPath("skopeo");
        containers = Cli.isolatedContainersEnvironment(work.resolve("containers"));
        ImageLayout layout = ImageLayout.create(work.resolve("layout"));
        ImageLayout.Image image = layout.image("linux", "amd64", project, List.of(
                layout.layer(ImageLayout.files("bin/app", "#!/bin/sh\necho " + project + "\n"))));
        layout.tag("1.0", image.manifest());
        new Skopeo(containers, work, port).copyIn(layout, "1.0", app + ":1.0");
        appDigest = image.manifest().digest();
    }

    @AfterAll
    static void quitBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void signedInAfreshOnADesktop() {
        browser.desktop();
        browser.open("/login");
        browser.forgetSession();
        browser.signIn(ADMIN, ADMIN_PASSWORD);
    }

    /**
     * Issue 13, "Tests": "copy its pull command". The copy button beside a pull command puts
     * exactly the command shown into the system clipboard (read back by the page, with the
     * clipboard permission a user would grant).
     */
    @Test
    void theCopyButtonPutsThePullCommandShownIntoTheClipboard() {
        browser.allowClipboard();
        browser.open("/projects/" + project + "/repositories/app");
        WebElement row = artifactRow("1.0");
        row.findElement(By.tagName("summary")).click();
        WebElement command = row.findElements(By.cssSelector("ul.commands li")).stream()
                .filter(li -> li.getText().startsWith("Docker, tag 1.0")).findFirst().orElseThrow();
        String shown = command.findElement(By.tagName("code")).getText();
        assertThat(shown).isEqualTo("docker pull 127.0.0.1:" + port + "/" + app + ":1.0");
        browser.script("navigator.clipboard.writeText('nothing copied yet')");
        browser.waitFor(d -> browser.clipboard().equals("nothing copied yet"));
        browser.screenshot("artifacts");

        WebElement copy = command.findElement(By.tagName("button"));
        copy.click();
        browser.waitFor(d -> copy.getText().equals("Copied"));
        assertThat(browser.clipboard()).isEqualTo(shown);

        WebElement byDigest = row.findElements(By.cssSelector("ul.commands li")).stream()
                .filter(li -> li.getText().startsWith("Podman, by digest")).findFirst().orElseThrow();
        byDigest.findElement(By.tagName("button")).click();
        browser.waitFor(d -> browser.clipboard().equals("podman pull 127.0.0.1:" + port + "/" + app + "@" + appDigest));
        browser.assertNoBrowserErrors();

        // at a desktop's width the open commands wrap at their spaces (only a reference too long for a line of its own
        // breaks inside), and the size stays on one line ("928 B", never "928" above "B")
        for (WebElement code : row.findElements(By.cssSelector("ul.commands code"))) {
            assertThat(browser.wordsBrokenMidLine(code)).as(code.getText()).isEmpty();
        }
        WebElement size = row.findElements(By.xpath("./td")).get(3);
        assertThat(browser.lineCount(size)).as("the size " + size.getText()).isEqualTo(1);
        // on a phone, the open commands need no sideways scrolling
        browser.phone(390, 844);
        browser.open("/projects/" + project + "/repositories/app");
        artifactRow("1.0").findElement(By.tagName("summary")).click();
        browser.assertNoHorizontalScroll();
        browser.screenshot("artifacts-phone");
        browser.desktop();
    }

    /**
     * Issue 13, "Tests": "create a robot and see its secret exactly once". The secret is on the page
     * that answers the form and on no page after it (the list, going back); skopeo pulls the image
     * with the robot's name and that secret.
     */
    @Test
    void aRobotCreatedThroughTheFormShowsItsSecretOnceAndPullsWithIt() {
        String name = "puller" + System.nanoTime() % 10_000;
        String robot = "robot." + project + "." + name;
        browser.open("/projects/" + project + "/robots");
        browser.fill("Name", name);
        browser.fill("Description", "pulls the app");
        browser.field("pull").click();
        browser.fill("Expires in (days)", "30");
        browser.click("Create robot account");

        assertThat(browser.driver().getTitle()).startsWith("Secret of " + robot + " · ");
        assertThat(browser.text()).contains("Robot account " + robot + " created", "it is shown this once");
        assertThat(browser.driver().findElement(By.id("robot-username")).getText()).isEqualTo(robot);
        String secret = browser.field("Secret").getDomProperty("value");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
        assertThat(browser.driver().findElement(By.id("kubectl-command")).getText())
                .contains("--docker-username=" + robot, "--docker-password=" + secret);
        browser.screenshot("robot-secret");

        browser.click("Back to the robot accounts");
        assertThat(browser.rows()).anySatisfy(row -> assertThat(row).startsWith(robot + " pulls the app pull "));
        assertThat(browser.driver().getPageSource()).doesNotContain(secret);
        List<WebElement> cells = browser.driver().findElements(By.xpath("//tbody/tr[td/code[normalize-space()='" + robot + "']]/td"));
        assertThat(cells).hasSize(6).extracting(cell -> cell.getRect().getY() + "+" + cell.getRect().getHeight())
                .as("every cell of the row, its actions too, is as tall as the row (one border under the row)").containsOnly(
                        cells.getFirst().getRect().getY() + "+" + cells.getFirst().getRect().getHeight());
        browser.screenshot("robots");
        // back to the answer of the form: not kept by the browser (Cache-Control: no-store), so not shown as it was
        browser.driver().navigate().back();
        browser.waitFor(d -> "complete".equals(browser.script("return document.readyState")));
        assertThat(browser.driver().getTitle()).doesNotStartWith("Secret of");
        assertThat(browser.driver().getPageSource()).as("going back does not show the secret again").doesNotContain(secret);
        browser.log(); // whatever the browser shows there (an error page of its own in some versions) is not the console's
        browser.open("/projects/" + project + "/robots");
        assertThat(browser.driver().getPageSource()).doesNotContain(secret);

        Path pulled = work.resolve("pulled-by-" + name);
        new Skopeo(containers, work, port, robot + ":" + secret).copyOut(app + ":1.0", pulled, "1.0");
        assertThat(pulled.resolve("blobs/sha256/" + appDigest.substring("sha256:".length()))).exists();
    }

    /**
     * Issue 13, "Tests": "add a member". A user created on the admin users page is added with a
     * role; the members page lists them with it, and signed in as that user the project shows it.
     */
    @Test
    void aMemberAddedWithARoleIsListedWithItAndHasIt() {
        String username = "member" + System.nanoTime() % 100_000;
        String password = "Str0ng-Passw0rd";
        browser.open("/admin/users");
        browser.screenshot("admin-users");
        browser.fill("Username", username);
        browser.fill("Password", password);
        browser.click("Create user");
        assertThat(browser.text()).contains("The user was created; they can sign in now.");

        browser.open("/projects/" + project + "/members");
        browser.fill("Username", username);
        new Select(browser.field("Role")).selectByVisibleText("maintainer");
        browser.click("Add member");

        assertThat(browser.text()).contains(username + " was added to the project.");
        assertThat(browser.rows()).anySatisfy(row -> assertThat(row).startsWith(username + "\n"));
        assertThat(new Select(browser.field("Role of " + username)).getFirstSelectedOption().getText()).isEqualTo("maintainer");
        // the project's creator is its only project admin: neither a role change nor removal is offered for them
        assertThat(browser.rows()).anySatisfy(row -> assertThat(row).startsWith(ADMIN + " project-admin")
                .contains("the last project admin", "make another member project admin first"));
        assertThat(browser.driver().findElements(By.xpath("//label[normalize-space()='Role of " + ADMIN + "']"))).isEmpty();
        assertThat(browser.driver().findElements(By.linkText("Remove " + ADMIN + "…"))).isEmpty();
        assertThat(browser.driver().findElements(By.linkText("Remove " + username + "…"))).hasSize(1);
        browser.screenshot("members");

        browser.signOut();
        browser.signIn(username, password);
        browser.open("/projects?q=" + project);
        assertThat(browser.rows()).singleElement().asString().startsWith(project + " private ").endsWith(" maintainer");
        assertThat(browser.text()).doesNotContain("Administration");
    }

    /**
     * Issue 13, "Tests": "set an immutability rule and see a tag marked". A rule added on the
     * policies page marks the tags it matches on the artifacts page (and only those), and their
     * artifact is no longer offered for deletion.
     */
    @Test
    void anImmutabilityRuleMarksTheTagsItMatches() {
        String repository = project + "/tools";
        String released = push(repository, "v1.0", "tools released");
        tag(repository, released, "stable");
        String dev = push(repository, "dev", "tools dev");

        browser.open("/projects/" + project + "/policies");
        assertThat(browser.text()).contains("No immutability rule");
        browser.fill("Repository pattern", "tools");
        browser.fill("Tag pattern", "v*");
        browser.click("Add immutability rule");
        assertThat(browser.path()).isEqualTo("/projects/" + project + "/policies#immutability");
        List<WebElement> rules = browser.driver().findElements(By.cssSelector("tr.immutability-rule"));
        assertThat(rules).singleElement().extracting(WebElement::getText).asString().startsWith("tools v* admin, ");
        browser.screenshot("policies");

        browser.open("/projects/" + project + "/repositories/tools");
        assertThat(tagMarks()).containsExactlyInAnyOrderEntriesOf(Map.of("v1.0", true, "stable", false, "dev", false));
        WebElement mark = browser.driver().findElement(By.cssSelector("span.tag span.immutable"));
        assertThat(mark.getDomAttribute("title")).contains("repositories 'tools'", "tags 'v*'");
        assertThat(artifactRow("v1.0").findElements(By.linkText("Delete…"))).as("an immutable artifact is not offered for deletion")
                .isEmpty();
        assertThat(artifactRow("v1.0").getText()).contains(released.substring(0, 19));
        assertThat(artifactRow("dev").findElements(By.linkText("Delete…"))).hasSize(1);
        assertThat(artifactRow("dev").getText()).contains(dev.substring(0, 19));
        for (String tag : List.of("v1.0", "dev")) {
            WebElement size = artifactRow(tag).findElements(By.xpath("./td")).get(3);
            assertThat(browser.lineCount(size)).as("the size " + size.getText() + " of " + tag + " on one line").isEqualTo(1);
        }
        browser.screenshot("artifacts-immutable");
    }

    /**
     * Issue 13, "Tests": "write a retention rule and read its dry run". A rule written in the editor
     * (the two highest semantic versions of {@code batch}); its dry run lists every artifact of the
     * repository with its decision and reason, and deletes nothing.
     */
    @Test
    void aRetentionRuleWrittenInTheEditorHasADryRunListingEveryArtifactWithItsDecisionAndReason() {
        String repository = project + "/batch";
        String v100 = push(repository, "1.0.0", "batch 1.0.0");
        String v110 = push(repository, "1.1.0", "batch 1.1.0");
        String v200 = push(repository, "2.0.0", "batch 2.0.0");
        String untagged = push(repository, null, "batch untagged");

        browser.open("/projects/" + project + "/policies");
        assertThat(browser.text()).contains("No retention rule: a run touches nothing.");
        new Select(browser.field("Template")).selectByVisibleText("the N highest semantic versions");
        browser.fill("Count (artifacts, or days for the \"within days\" templates; not used by \"always\")", "2");
        browser.fill("Repositories (doublestar pattern over the path inside the project)", "batch");
        browser.fill("Tags", "**");
        browser.click("Add retention rule");
        assertThat(browser.driver().findElements(By.cssSelector("tr.retention-rule"))).singleElement()
                .extracting(WebElement::getText).asString()
                .isEqualTo("1 the 2 highest semantic versions matching batch matching ** (doublestar) not selected Remove…");

        browser.click("Dry run");
        assertThat(browser.path()).matches("/projects/" + project + "/policies/executions/\\d+");
        assertThat(browser.text()).contains("A dry run changes nothing", "2 retained · 0 untagged · 2 to delete");
        Map<String, String> decisions = new java.util.HashMap<>();
        for (WebElement row : browser.driver().findElements(By.cssSelector("tr.decision"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            assertThat(cells.get(0).getText()).isEqualTo(repository);
            String digest = cells.get(1).findElement(By.tagName("code")).getDomAttribute("title");
            decisions.put(digest, cells.get(2).getText() + " | " + cells.get(3).getText() + " | " + cells.get(4).getText());
        }
        assertThat(decisions).containsExactlyInAnyOrderEntriesOf(Map.of(
                v200, "2.0.0 | kept | rule 1 keeps the 2 highest semantic versions",
                v110, "1.1.0 | kept | rule 1 keeps the 2 highest semantic versions",
                v100, "1.0.0 | to delete | no rule retains it",
                untagged, "— | to delete | no rule retains it"));
        browser.screenshot("retention-dry-run");

        assertThat(manifest(repository, v100).statusCode()).as("a dry run deletes nothing").isEqualTo(200);
        assertThat(manifest(repository, untagged).statusCode()).isEqualTo(200);
    }

    /**
     * Issue 13, "Tests": "delete an artifact". The confirmation says what goes; after it the
     * artifact is gone from the page and from /v2 (404 MANIFEST_UNKNOWN), the other one stays.
     */
    @Test
    void anArtifactDeletedThroughItsConfirmationIsGoneFromThePageAndFromV2() {
        String repository = project + "/doomed";
        String kept = push(repository, "keep", "doomed keep");
        String gone = push(repository, "gone", "doomed gone");
        browser.open("/projects/" + project + "/repositories/doomed");
        assertThat(browser.rows()).hasSize(2);

        browser.click(artifactRow("gone").findElement(By.linkText("Delete…")));
        assertThat(browser.driver().getTitle()).startsWith("Delete artifact " + gone.substring(0, 19));
        assertThat(browser.text()).contains("Delete artifact " + gone + " of " + repository + "?", "its tag gone");
        browser.screenshot("artifact-delete");
        browser.click("Delete artifact");

        assertThat(browser.path()).isEqualTo("/projects/" + project + "/repositories/doomed");
        assertThat(browser.text()).contains("Artifact " + gone + " deleted.");
        assertThat(browser.rows()).singleElement().asString().contains(kept.substring(0, 19), "keep")
                .doesNotContain(gone.substring(0, 19));
        HttpResponse<String> after = manifest(repository, gone);
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(after.body()).contains("MANIFEST_UNKNOWN");
        assertThat(manifest(repository, kept).statusCode()).isEqualTo(200);
    }

    /**
     * Issue 13, "Tests": "start GC from the admin pages and watch it finish". A real run started
     * through its confirmation; its page's progress region is replaced by htmx while the run goes
     * on (the document stays: nothing reloads it), and when the run has finished the page shows
     * the bytes it freed, as does the history.
     */
    @Test
    void garbageCollectionStartedFromTheAdminPagesIsFollowedLiveAndFreesTheBytesOfADeletedImage() {
        long garbageBytes = deletedImageWithManyLayers(project + "/garbage", 2000);

        browser.open("/admin/gc");
        long dueNow = Long.parseLong(browser.driver().findElement(By.xpath("//dt[.='Blobs due now']/following-sibling::dd[1]")).getText());
        assertThat(dueNow).as("the deleted image's layers and config wait for review").isGreaterThanOrEqualTo(2001);
        browser.click("Run now…");
        assertThat(browser.text()).contains("Run garbage collection now?", "deletes for good");
        browser.click("Run garbage collection");
        Matcher m = GC_RUN.matcher(browser.path());
        assertThat(m.matches()).as(browser.path()).isTrue();
        long id = Long.parseLong(m.group(1));
        // every change of the progress region is noted where a reload would not wipe it
        browser.script("""
                sessionStorage.setItem('progress', '[]');
                new MutationObserver(function () {
                  var region = document.getElementById('progress');
                  var seen = JSON.parse(sessionStorage.getItem('progress'));
                  var state = region && region.querySelector('.state');
                  var now = state ? state.textContent + ': ' + region.innerText.replace(/\\s+/g, ' ') : null;
                  if (now && seen[seen.length - 1] !== now) {
                    seen.push(now);
                    sessionStorage.setItem('progress', JSON.stringify(seen));
                  }
                }).observe(document.getElementById('main'), {childList: true, subtree: true, characterData: true});""");
        WebElement region = browser.driver().findElement(By.id("progress"));
        assertThat(region.findElement(By.className("state")).getText()).as("the run is still going when its page shows")
                .isEqualTo("running");
        assertThat(region.getDomAttribute("hx-trigger")).isEqualTo("every 2s");
        browser.screenshot("gc-run-running");

        // finished, the region's last poll has htmx reload the page (HX-Refresh), which then lists what the run deleted
        browser.waitFor(Duration.ofSeconds(60), d -> "succeeded".equals(stateShown()));
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) browser.script("return JSON.parse(sessionStorage.getItem('progress'))");
        assertThat(seen).as("the progress region as htmx replaced it in the page first shown, while the run went on")
                .isNotEmpty().allSatisfy(s -> assertThat(s).startsWith("running: ")).anySatisfy(s -> assertThat(s).contains("blobs: "));
        GcRun run = gc.run(id);
        assertThat(run.dryRun()).isFalse();
        assertThat(run.counts().freedBytes()).isGreaterThanOrEqualTo(garbageBytes);
        String freed = plain(format.bytes(run.counts().freedBytes()));
        assertThat(plain(browser.driver().findElement(By.cssSelector("#progress dd.freed")).getText())).isEqualTo(freed);
        assertThat(browser.text()).contains("What it deleted");
        // the summary writes the bytes as "Bytes freed" does, and breaks its lines at spaces only (no "200" above "1 blob(s)")
        WebElement summary = browser.driver().findElement(By.xpath("//dt[.='Summary']/following-sibling::dd[1]"));
        assertThat(plain(summary.getText())).contains(", " + freed + ";");
        assertThat(browser.wordsBrokenMidLine(summary)).as(summary.getText()).isEmpty();
        // blobs are stored once for the whole registry: their Repository cell says so rather than staying empty
        List<WebElement> blobs = browser.driver().findElements(By.xpath("//section[@aria-labelledby='items']//tbody/tr[td[1]='blob']"));
        assertThat(blobs).isNotEmpty().allSatisfy(blob -> assertThat(blob.findElements(By.tagName("td")).get(1).getText())
                .isEqualTo("registry-wide"));
        browser.screenshot("gc-run");

        browser.click("Garbage collection");
        WebElement history = browser.driver().findElement(By.xpath("//table//tr[td/a[normalize-space()='#" + id + "']]"));
        assertThat(history.getText()).startsWith("#" + id + " real run succeeded ").contains(" admin ");
        assertThat(plain(history.findElement(By.className("freed")).getText())).isEqualTo(freed);
        browser.screenshot("gc");
    }

    // ---- helpers

    /** The text with its no-break spaces as plain ones (sizes hold number and unit together with one). */
    private static String plain(String text) {
        return text.replace('\u00a0', ' ');
    }

    /** The first body row of the artifacts table whose tags include {@code tag}. */
    private static WebElement artifactRow(String tag) {
        return browser.driver().findElement(By.xpath("//tbody[@class='artifact']/tr[td[@class='tags']/span[@class='tag']/span[1]"
                + "[normalize-space()='" + tag + "']]"));
    }

    /** Every tag on the artifacts page and whether it is marked immutable. */
    private static Map<String, Boolean> tagMarks() {
        Map<String, Boolean> marks = new java.util.HashMap<>();
        for (WebElement tag : browser.driver().findElements(By.cssSelector("td.tags span.tag"))) {
            marks.put(tag.findElement(By.xpath("./span[1]")).getText(), !tag.findElements(By.className("immutable")).isEmpty());
        }
        return marks;
    }

    private static String stateShown() {
        try {
            return browser.driver().findElement(By.cssSelector("#progress .state")).getText();
        } catch (NoSuchElementException | StaleElementReferenceException e) {
            return null;
        }
    }

    /** Pushes a small image of its own over /v2 (tagged, or by digest when {@code tag} is null) and returns its digest. */
    private static String push(String repository, String tag, String label) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"test\":\"" + label + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = new byte[512];
        new Random(label.hashCode() ^ System.nanoTime()).nextBytes(layer);
        String manifest = TestImages.ociManifest(api.pushBlob(repository, config), config.length, api.pushBlob(repository, layer),
                layer.length);
        String digest = RegistryClient.digest(manifest.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> pushed = api.pushManifest(repository, tag == null ? digest : tag, TestImages.OCI_MANIFEST, manifest);
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        return digest;
    }

    /** Tags an artifact again: its manifest put under another tag. */
    private static void tag(String repository, String digest, String tag) {
        HttpResponse<byte[]> manifest = api.sendForBytes("GET", "/v2/" + repository + "/manifests/" + digest,
                Map.of("Accept", TestImages.OCI_MANIFEST));
        assertThat(manifest.statusCode()).isEqualTo(200);
        HttpResponse<String> tagged = api.send("PUT", "/v2/" + repository + "/manifests/" + tag, manifest.body(),
                Map.of("Content-Type", TestImages.OCI_MANIFEST));
        assertThat(tagged.statusCode()).isEqualTo(201);
    }

    private static HttpResponse<String> manifest(String repository, String digest) {
        return api.send("GET", "/v2/" + repository + "/manifests/" + digest, null, Map.of("Accept", TestImages.OCI_MANIFEST));
    }

    /**
     * Garbage for a collection that lasts several seconds: an image with {@code layers} small layers,
     * pushed and deleted, so every layer lost its only link at once (due for review now). The
     * collector works in batches of 200 and pauses between them (registry.gc.duty-cycle), so on
     * this machine 2,000 layers make a run of about 7 s: three polls of its page. The layers are
     * pushed with a bearer token (a password checked 2,000 times would take longer than the run).
     * Returns the bytes the image's blobs hold.
     */
    private static long deletedImageWithManyLayers(String repository, int layers) {
        String scope = "repository:" + repository + ":pull,push";
        Matcher token = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"")
                .matcher(api.send("GET", "/service/token?service=registry&scope=" + scope).body());
        assertThat(token.find()).isTrue();
        RegistryClient pusher = RegistryClient.withAuthorization(port, "Bearer " + token.group(1));
        Random random = new Random(System.nanoTime());
        List<byte[]> blobs = java.util.stream.Stream.generate(() -> {
            byte[] layer = new byte[64];
            random.nextBytes(layer);
            return layer;
        }).limit(layers).toList();
        String descriptors = blobs.parallelStream().map(layer -> "{\"mediaType\":\"" + TestImages.OCI_LAYER + "\",\"digest\":\""
                + pusher.pushBlob(repository, layer) + "\",\"size\":" + layer.length + "}").collect(java.util.stream.Collectors.joining(","));
        long bytes = blobs.stream().mapToLong(layer -> layer.length).sum();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":" + random.nextLong() + "}").getBytes(StandardCharsets.UTF_8);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + TestImages.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + TestImages.OCI_CONFIG + "\",\"digest\":\"" + pusher.pushBlob(repository, config) + "\",\"size\":" + config.length
                + "},\"layers\":[" + descriptors + "]}";
        bytes += config.length;
        String digest = RegistryClient.digest(manifest.getBytes(StandardCharsets.UTF_8));
        assertThat(pusher.pushManifest(repository, "v1", TestImages.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        assertThat(api.send("DELETE", "/v2/" + repository + "/manifests/" + digest).statusCode()).isEqualTo(202);
        return bytes;
    }
}
