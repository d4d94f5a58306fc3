package dev.layerdiff.report.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.layerdiff.Fixtures;
import dev.layerdiff.cli.Main;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The HTML report in a real browser: Debian's headless Chromium driven through chromedriver opens a
 * page the command line wrote for a real bug (four dead filters in conv2), reads the answer, counts
 * the depth chart's points, opens the culprit and checks that its image and histograms are drawn, and
 * that the browser logged no script error. Screenshots go to target/html-report/. Without Chromium
 * (apt-get install chromium chromium-driver) the test is skipped and says why.
 */
class HtmlReportBrowserTest {
    private static final Path CHROMIUM = Path.of(System.getProperty("layerdiff.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("layerdiff.chromedriver", "/usr/bin/chromedriver"));
    private static final Path OUT = Path.of("target", "html-report");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path profile;

    private static ChromeDriver driver;
    /** Why the browser cannot run here, or null. */
    private static String missing;

    @BeforeAll
    static void startChromium() {
        missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM + " is missing"
                : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER + " is missing" : null;
        if (missing != null) {
            System.out.println("HtmlReportBrowserTest skipped: " + missing + " (apt-get install chromium chromium-driver)");
            return;
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.resolve("chromium"), "--window-size=1280,1600");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @BeforeEach
    void needsChromium() {
        assumeTrue(missing == null, () -> missing + ": install chromium and chromium-driver to run the browser test");
    }

    @AfterAll
    static void stopChromium() {
        if (driver != null) driver.quit();
    }

    @Test
    void theCulpritOfARealBugIsNamedDrawnAndOpens() throws IOException {
        Path page = Files.createDirectories(OUT).resolve("cnn_bug_deadrelu.html");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.execute(new String[] {"compare", Fixtures.path("cnn_ref_cpu.safetensors").toString(),
                Fixtures.path("cnn_bug_deadrelu.safetensors").toString(), "--device", "cpu", "--quiet",
                "--html", page.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isEqualTo(1);

        driver.get(page.toUri().toString());
        WebElement verdict = driver.findElement(By.id("verdict"));
        assertThat(verdict.getText()).startsWith("DIVERGED (bug): activations: bug introduced at conv2");
        WebElement activations = driver.findElement(By.cssSelector("#groups [data-group=activations]"));
        assertThat(activations.getText()).contains("bug, introduced at conv2");
        WebElement culprit = activations.findElement(By.cssSelector(".culprit button.layer"));
        assertThat(culprit.getText()).isEqualTo("conv2");
        assertThat(activations.findElement(By.className("culprit")).getText()).contains("dim 1 indices 0-3");

        // The candidate's dead channels 0-3 after conv2 are a health finding the reference does not share.
        assertThat(driver.findElements(By.cssSelector("#health-table tr.only-here")).stream().map(WebElement::getText))
                .anyMatch(t -> t.toLowerCase(java.util.Locale.ROOT).contains("only candidate") && t.contains("relu2") && t.contains("(0-3, 12, 14)"));

        Map<?, ?> depth = (Map<?, ?>) js("return window.layerdiff.depth");
        assertThat(((Number) depth.get("layers")).intValue()).isEqualTo(25);
        assertThat(((Number) depth.get("points")).intValue()).isEqualTo(25);
        // Tall enough for the answer, both runs and the depth chart in one picture.
        driver.manage().window().setSize(new Dimension(1200, 1880));
        screenshot("cnn_bug_deadrelu-overview.png");
        driver.manage().window().setSize(new Dimension(1280, 1600));

        culprit.click();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#detail canvas.diff[data-ready]")));
        assertThat(driver.findElement(By.id("detail-title")).getText()).startsWith("conv2");
        // The metrics card reads the layer's metrics by name (D.metricFields): the worst element's position, the count off.
        assertThat(driver.findElement(By.id("detail")).getText()).contains("max |d|").contains(" at [2, 1, 9, 0]")
                .contains("2304 of 9216");
        assertThat(driver.findElements(By.cssSelector("#detail .hist .uplot canvas"))).hasSize(2);
        // Channels 0-3 of 16 are dead in every batch element: a quarter of the tiles is bright, the rest dark.
        double bright = ((Number) js("const c = document.querySelector('#detail canvas.diff');"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + "for (let p = 0; p < d.length; p += 4) if (d[p] > 200 && d[p + 1] > 150) n++;"
                + "return n / (c.width * c.height);")).doubleValue();
        assertThat(bright).isBetween(0.2, 0.3);
        assertThat(driver.findElements(By.cssSelector("#detail .tile-label"))).hasSize(64);
        driver.findElement(By.cssSelector("#detail input[value=shared]")).click();
        assertThat(driver.findElement(By.cssSelector("#detail canvas.diff")).getAttribute("data-scale")).isEqualTo("shared");
        js("document.getElementById('detail').scrollIntoView()");
        screenshot("cnn_bug_deadrelu-conv2.png");

        // Hovering the point of grad/conv1 names it; a click opens it.
        js("window.scrollTo(0, 0); document.getElementById('depth').scrollIntoView()");
        List<?> at = (List<?>) js("const u = window.layerdiff.depthChart, k = window.layerdiff.depthOrder.length - 1;"
                + "const r = u.over.getBoundingClientRect(); let y = null;"
                + "for (let s = 1; s < u.data.length && y == null; s++) y = u.data[s][k];"
                + "return [r.left + u.valToPos(k, 'x'), r.top + u.valToPos(y, 'y')];");
        new Actions(driver).moveToLocation(((Number) at.get(0)).intValue(), ((Number) at.get(1)).intValue()).perform();
        assertThat(driver.findElement(By.id("depth-readout")).getText()).startsWith("grad/conv1");
        new Actions(driver).click().perform();
        assertThat(driver.findElement(By.id("detail-title")).getText()).startsWith("grad/conv1");

        assertNoScriptError();
    }

    @Test
    void tenThousandLayersDrawEveryPointAndStaySmallInTheDom() throws IOException {
        Path page = OUT.resolve("large-10000-browser.html");
        HtmlReport.write(LargeReports.page(10_000), page);
        driver.get(page.toUri().toString());
        Map<?, ?> depth = (Map<?, ?>) js("return window.layerdiff.depth");
        assertThat(((Number) depth.get("points")).intValue()).isEqualTo(10_000);
        long elements = ((Number) js("return document.getElementsByTagName('*').length")).longValue();
        assertThat(elements).isLessThan(1_500);
        driver.findElement(By.cssSelector("#groups .culprit button.layer")).click();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#detail canvas.diff[data-ready]")));
        long opened = ((Number) js("return document.getElementsByTagName('*').length")).longValue();
        System.out.printf("10,000-layer page: %d elements after loading, %d with a layer open%n", elements, opened);
        assertThat(opened).isLessThan(2_500);
        driver.findElement(By.id("layer-filter")).sendKeys("blocks.9");
        assertThat(driver.findElements(By.cssSelector("#layer-table tbody tr"))).hasSizeLessThanOrEqualTo(100);
        assertNoScriptError();
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private static void assertNoScriptError() {
        List<LogEntry> severe = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(severe).as("browser console errors").isEmpty();
        assertThat(driver.findElements(By.xpath("//p[starts-with(., 'This page hit a script error')]"))).isEmpty();
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((WebDriver & org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(OUT);
        Files.copy(shot.toPath(), OUT.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot: " + OUT.resolve(name).toAbsolutePath());
    }
}
