package dev.registry.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's {@code chromium}, headless, driven through Debian's
 * {@code chromium-driver} by Selenium (both installed by {@code .ci/run}; without them the calling
 * test class is skipped with the reason). Selenium Manager never runs: the driver and the browser
 * are named by path, so nothing is downloaded.
 *
 * <p>One per test class (start it in {@code @BeforeAll}, {@link #close()} it in {@code @AfterAll}).
 * Every page reached through {@link #open}, {@link #click} or {@link #signIn} is checked on arrival:
 * the browser logged no error (a Content-Security-Policy violation is one, so this also proves
 * that htmx and {@code console.js} load under the policy) and every form field has a label. Flows
 * read as what a user does: {@code open("/projects"); fill("Name", "team"); click("Create project")}.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where {@link #screenshot} writes, relative to the module (surefire's working directory). */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Dimension DESKTOP = new Dimension(1280, 900);
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriver driver;
    private final String base;
    private final WebDriverWait wait;
    /** The CSS width of the phone being emulated, null on the desktop. */
    private Integer phoneWidth;

    private ConsoleBrowser(ChromeDriver driver, int port) {
        this.driver = driver;
        this.base = "http://127.0.0.1:" + port;
        this.wait = new WebDriverWait(driver, WAIT);
    }

    /** Starts headless chromium against the registry on {@code port}; skips the test class without the Debian packages. */
    static ConsoleBrowser start(int port) {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "real-browser test: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed (Debian packages 'chromium' and"
                        + " 'chromium-driver', installed by .ci/run)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: chromium refuses to run as root with its sandbox, as in CI containers
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + DESKTOP.width + "," + DESKTOP.height, "--lang=en-US");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ConsoleBrowser browser = new ConsoleBrowser(new ChromeDriver(service, options), port);
        browser.driver.manage().timeouts().pageLoadTimeout(WAIT);
        return browser;
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Goes to a console path (or a full URL) and checks the page. */
    void open(String path) {
        driver.get(path.startsWith("http") ? path : base + path);
        arrived();
    }

    /** The path and query of the page shown. */
    String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(base) ? url.substring(base.length()) : url;
    }

    /** Signs in through the form and waits for the projects page. */
    void signIn(String username, String password) {
        open("/login");
        fill("Username", username);
        fill("Password", password);
        click("Sign in");
        assertThat(path()).as("signed in as %s", username).startsWith("/projects");
    }

    /** Presses the header's Sign out button and waits for the sign-in page. */
    void signOut() {
        click("Sign out");
        assertThat(path()).startsWith("/login");
    }

    /** Ends the browser's session without the page: no cookie left, as a new visitor. */
    void forgetSession() {
        driver.manage().deleteAllCookies();
    }

    /** Types {@code value} into the field labelled {@code label} (the label's text, whitespace normalised). */
    void fill(String label, String value) {
        WebElement field = field(label);
        field.clear();
        field.sendKeys(value);
    }

    /** The form field a {@code <label>} with this text names: by its {@code for}, or the field inside it. */
    WebElement field(String label) {
        WebElement element = driver.findElement(By.xpath("//label[normalize-space()=" + literal(label) + "]"));
        String id = element.getDomAttribute("for");
        return id != null && !id.isEmpty() ? driver.findElement(By.id(id))
                : element.findElement(By.xpath(".//input|.//select|.//textarea"));
    }

    /**
     * Clicks the button (or link) with this text that leads to another page, and waits for that
     * page: the old document gone and the new one loaded and checked.
     */
    void click(String text) {
        WebElement html = driver.findElement(By.tagName("html"));
        clickable(text).click();
        wait.until(gone(html));
        arrived();
    }

    /** Clicks this button or link (one of several with the same text, found by the caller) and waits for the page it leads to. */
    void click(WebElement element) {
        WebElement html = driver.findElement(By.tagName("html"));
        element.click();
        wait.until(gone(html));
        arrived();
    }

    /** Sends keys to the focused element (Enter on a form's button, say) and waits for the page that follows. */
    void pressKeyAndWaitForPage(CharSequence... keys) {
        WebElement html = driver.findElement(By.tagName("html"));
        new Actions(driver).sendKeys(keys).perform();
        wait.until(gone(html));
        arrived();
    }

    /**
     * The old document is gone: its root element is stale. Chrome sometimes reports an element of a document it is
     * leaving with an inspector error ("Node with given id does not belong to the document") instead of a stale
     * element; that says the same, and Selenium's {@code stalenessOf} would fail the test on it.
     */
    private static ExpectedCondition<Boolean> gone(WebElement html) {
        return driver -> {
            try {
                html.isEnabled();
                return false;
            } catch (StaleElementReferenceException stale) {
                return true;
            } catch (WebDriverException e) {
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        };
    }

    /** Clicks a button with this text that changes the page in place (htmx, a copy button); wait with {@link #waitFor}. */
    void press(String text) {
        clickable(text).click();
    }

    /** Waits up to 15 s for a condition (never a fixed sleep). */
    <T> T waitFor(ExpectedCondition<T> condition) {
        return wait.until(condition);
    }

    /** Waits up to {@code timeout} for a condition that may take longer than the usual 15 s. */
    <T> T waitFor(Duration timeout, ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, timeout).until(condition);
    }

    /** Waits until the page shows {@code text}. */
    void waitForText(String text) {
        wait.until(d -> text().contains(text));
    }

    /** The visible text of the page. */
    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** The body rows of the page's tables, each as its visible text. */
    List<String> rows() {
        return driver.findElements(By.cssSelector("table tbody tr")).stream().map(WebElement::getText).toList();
    }

    Object script(String javascript, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(javascript, arguments);
    }

    /**
     * Lets the console's pages write and read the system clipboard, as a user who allowed it when
     * the browser asked (headless chromium cannot ask, so the permission is granted through CDP).
     */
    void allowClipboard() {
        driver.executeCdpCommand("Browser.grantPermissions", Map.of("permissions",
                List.of("clipboardReadWrite", "clipboardSanitizedWrite"), "origin", base));
    }

    /** What the system clipboard holds now, as the page reads it ({@code navigator.clipboard.readText()}). */
    String clipboard() {
        return String.valueOf(driver.executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                navigator.clipboard.readText().then(done, function (e) { done('(the clipboard could not be read: ' + e + ')'); });"""));
    }

    /** Writes a PNG of the viewport to {@code target/screenshots/<name>.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            return Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shows pages as a phone of this CSS size does (device metrics and a mobile viewport); {@link #desktop()} undoes it. */
    void phone(int width, int height) {
        phoneWidth = width;
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 2, "mobile", true));
    }

    void desktop() {
        phoneWidth = null;
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    /**
     * The page is no wider than the window: nothing needs a horizontal scroll. On a phone the
     * window must also be the phone's width: a mobile browser zooms out (widens the window) to show
     * a page that is too wide.
     */
    void assertNoHorizontalScroll() {
        long scrollWidth = ((Number) script("return document.documentElement.scrollWidth")).longValue();
        long innerWidth = ((Number) script("return window.innerWidth")).longValue();
        if (phoneWidth != null) {
            assertThat(innerWidth).as("window width on a %d px wide phone, not zoomed out (%s)", phoneWidth, path())
                    .isEqualTo(phoneWidth.longValue());
        }
        assertThat(scrollWidth).as("document width on a %d px wide window (%s)", innerWidth, path())
                .isLessThanOrEqualTo(innerWidth);
    }

    /** On how many lines the browser shows the element's text (1: it did not wrap). */
    long lineCount(WebElement element) {
        return ((Number) script("""
                var range = document.createRange();
                range.selectNodeContents(arguments[0]);
                var tops = [];
                Array.from(range.getClientRects()).filter(function (r) { return r.width > 0 && r.height > 0; }).forEach(function (r) {
                  if (!tops.some(function (t) { return Math.abs(t - r.top) < r.height / 2; })) { tops.push(r.top); }
                });
                return tops.length;""", element)).longValue();
    }

    /**
     * The words of the element's text (runs of characters between spaces; a no-break space joins)
     * that the browser broke across lines although they shared their first line with an earlier
     * word: moved to a line of their own, they would have had more room. A word too long for any
     * line (a digest) may break anywhere once it starts its own line; every other break should be
     * at a space.
     */
    @SuppressWarnings("unchecked")
    List<String> wordsBrokenMidLine(WebElement element) {
        return (List<String>) script("""
                var found = [], previous = null;
                var walker = document.createTreeWalker(arguments[0], NodeFilter.SHOW_TEXT);
                for (var node = walker.nextNode(); node; node = walker.nextNode()) {
                  var words = /[^ \\t\\n\\r\\f]+/g, m;
                  while ((m = words.exec(node.data))) {
                    var range = document.createRange();
                    range.setStart(node, m.index);
                    range.setEnd(node, m.index + m[0].length);
                    var rects = Array.from(range.getClientRects()).filter(function (r) { return r.width > 0 && r.height > 0; });
                    if (rects.length === 0) { continue; }
                    var first = rects[0], last = rects[rects.length - 1];
                    var broken = rects.some(function (r) { return Math.abs(r.top - first.top) >= first.height / 2; });
                    if (broken && previous && Math.abs(previous.top - first.top) < first.height / 2) { found.push(m[0]); }
                    previous = last;
                  }
                }
                return found;""", element);
    }

    /** What the browser logged since the last call (console errors, CSP violations, failed loads). */
    List<LogEntry> log() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /**
     * Fails on any error the browser logged since the last check: a CSP violation above all, a
     * failed script or stylesheet, an exception thrown by a script.
     */
    void assertNoBrowserErrors() {
        List<String> errors = log().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
        assertThat(errors).as("errors in the browser's console on %s", path()).isEmpty();
    }

    /** Every visible form field has a label: a {@code <label for>}, a label around it, or {@code aria-label}. */
    void assertFieldsLabelled() {
        @SuppressWarnings("unchecked")
        List<String> unlabelled = (List<String>) script("""
                return Array.from(document.querySelectorAll('input, select, textarea'))
                  .filter(f => f.type !== 'hidden' && f.type !== 'submit' && f.type !== 'button')
                  .filter(f => f.labels.length === 0 && !f.getAttribute('aria-label'))
                  .map(f => f.outerHTML);""");
        assertThat(unlabelled).as("form fields without a label on %s", path()).isEmpty();
    }

    /** The element that has the keyboard focus. */
    WebElement focused() {
        return driver.switchTo().activeElement();
    }

    @Override
    public void close() {
        driver.quit();
    }

    private void arrived() {
        wait.until(d -> "complete".equals(script("return document.readyState")));
        assertNoBrowserErrors();
        assertFieldsLabelled();
    }

    private WebElement clickable(String text) {
        String t = literal(text);
        List<WebElement> candidates = driver.findElements(By.xpath("//button[normalize-space()=" + t + "]"
                + " | //input[(@type='submit' or @type='button') and @value=" + t + "] | //a[normalize-space()=" + t + "]"));
        return candidates.stream().filter(WebElement::isDisplayed).findFirst()
                .orElseThrow(() -> new AssertionError("no button or link '" + text + "' on " + path()));
    }

    /** An XPath string literal for any text (quotes included). */
    private static String literal(String text) {
        if (!text.contains("'")) {
            return "'" + text + "'";
        }
        return "concat('" + text.replace("'", "', \"'\", '") + "')";
    }
}
