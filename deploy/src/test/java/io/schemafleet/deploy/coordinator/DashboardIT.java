package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.loop.AgentLoop;
import io.schemafleet.agent.loop.AgentSettings;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.SchemaPatternDiscovery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (Debian's headless {@code chromium} through
 * {@code chromedriver}) against a running coordinator with a real fleet: Kafka, PostgreSQL
 * and an in-process agent with six schema tenants. It loads and shows the counts; a tenant
 * whose schema already has the table the next revision creates fails, and the failure
 * shows up live (no reload) with its SQLSTATE; once the table is dropped, the Retry button
 * brings the tenant to head, and its page shows the history. Screenshots go to
 * {@code target/dashboard-screenshots/}.
 *
 * <p>Skipped when chromium or chromedriver is missing ({@code .ci/run} installs both);
 * other paths: {@code -Dschemafleet.chromium=…}, {@code -Dwebdriver.chrome.driver=…}.
 */
class DashboardIT {
    private static final Path CHROMIUM = Path.of(System.getProperty("schemafleet.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("webdriver.chrome.driver",
            "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target/dashboard-screenshots");
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final List<String> FIRST = List.of("801b86be184b", "122b81ebc3d7", "360b16ba22c2",
            "2d12193b6184", "3cfc87221979", "ecf5acd6708d", "5e656b9e303b");
    private static final String HEAD = "c8626eb4ecaa";
    private static final int TENANTS = 6;
    private static final String BROKEN = "dash_03";

    private final List<AutoCloseable> closing = new ArrayList<>();
    private CoordinatorFixture coordinator;
    private WebDriver browser;

    @BeforeEach
    void browserIsThere() {
        assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM
                + ": install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)"
                + " or point -Dschemafleet.chromium at one; skipping the dashboard browser test");
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "no chromedriver at " + CHROMEDRIVER
                + ": install Debian's chromium-driver or point -Dwebdriver.chrome.driver at one;"
                + " skipping the dashboard browser test");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void showsTheFleetLiveAndRetriesAFailedTenant() throws Exception {
        // given: six tenants at 5e656b9e303b, and a dashboard showing them
        coordinator = new CoordinatorFixture("dashboard");
        coordinator.start();
        TestDatabase db = TestDatabase.create("dash");
        closing.add(db);
        StringBuilder ddl = new StringBuilder();
        for (int i = 0; i < TENANTS; i++) {
            ddl.append(String.format("CREATE SCHEMA dash_%02d;", i));
        }
        db.execute(ddl.toString());
        Map<String, String> all = CoordinatorFixture.exampleFiles();
        assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(CoordinatorFixture.only(all, FIRST)))
                .status())
                .isEqualTo(201);
        assertThat(coordinator.post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode().put("to", "head"))
                .status()).isEqualTo(201);
        agent(db);
        awaitApi(fleet -> fleet.path("converged").asInt() == TENANTS);

        browser = chromium();
        browser.get(coordinator.base().resolve("/#token=" + coordinator.operatorToken).toString());
        awaitText(By.id("fleet-tenants"), "6");
        awaitText(By.id("fleet-converged"), "6");
        awaitText(By.cssSelector("#states [data-state=converged] .count"), "6");
        assertThat(textOf(By.cssSelector("#heads tbody tr[data-heads='5e656b9e303b']")))
                .contains("(destination)").contains("6");
        assertThat(textOf(By.cssSelector("#agents tbody tr[data-agent='dash-agent']"))).containsPattern("\\d+ s ago");
        awaitText(By.id("tenants-caption"), "No tenants needing attention.");
        assertThat(browser.getCurrentUrl()).as("the token is taken out of the address").doesNotContain(coordinator.operatorToken);
        js("window.sfNotReloaded = true;");
        screenshot("1-converged");

        // when: the rest of the revisions go out, and one tenant already has the audit_log table
        db.execute("CREATE TABLE " + BROKEN + ".audit_log (note text)");
        assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(all)).status()).isEqualTo(201);

        // then: the failure appears without a reload, with its SQLSTATE
        By row = By.cssSelector("#tenants tbody tr[data-tenant='" + BROKEN + "']");
        awaitElement(row);
        Instant shown = Instant.now();
        JsonNode failed = coordinator.get("/api/tenants/" + BROKEN).json().get("tenant");
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        Duration latency = Duration.between(Instant.parse(failed.get("last_seen_at").asText()), shown);
        System.out.printf("DashboardIT: the failure of %s showed %d ms after its agent sent the report%n", BROKEN,
                latency.toMillis());
        awaitText(By.cssSelector("#tenants tbody tr[data-tenant='" + BROKEN + "'] .sqlstate"), "42P07");
        assertThat(textOf(row)).contains("9a2355b7dd59").contains("already exists");
        awaitText(By.cssSelector("#states [data-state=failed] .count"), "1");
        awaitText(By.id("fleet-converged"), String.valueOf(TENANTS - 1));
        assertThat(js("return window.sfNotReloaded === true;")).isEqualTo(true);
        screenshot("2-failed");

        // when: the cause is removed and the operator clicks Retry
        db.execute("DROP TABLE " + BROKEN + ".audit_log");
        click(By.cssSelector("button[data-retry='" + BROKEN + "']"));

        // then: the tenant recovers, live
        awaitText(By.id("fleet-converged"), String.valueOf(TENANTS));
        awaitText(By.cssSelector("#states [data-state=failed] .count"), "0");
        awaitText(By.id("tenants-caption"), "No tenants needing attention.");
        assertThat(textOf(By.cssSelector("#heads tbody tr[data-heads='" + HEAD + "']"))).contains("(destination)");
        assertThat(js("return window.sfNotReloaded === true;")).isEqualTo(true);
        screenshot("3-recovered");

        // and its page tells the story: the failure, the retry request, the steps with durations
        new Select(browser.findElement(By.id("filter"))).selectByVisibleText("All tenants");
        click(By.linkText(BROKEN));
        awaitText(By.cssSelector("#tenant-state"), "converged");
        awaitText(By.id("tenant-heads"), HEAD);
        awaitElement(By.cssSelector("#history > li[data-type='tenant_retry_requested']"));
        String history = textOf(By.id("history"));
        assertThat(history).contains("Retry requested").contains("42P07").contains(HEAD).containsPattern("\\d+ ms");
        assertThat(js("return document.activeElement.id;")).as("focus moves to the page's heading")
                .isEqualTo("tenant-title");
        screenshot("4-tenant");
    }

    private ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private void agent(TestDatabase db) {
        Databases pools = new Databases(DbCredentials.NONE, 4);
        closing.add(pools);
        // Two quick tries, so a failure is reported within a second instead of after the default backoff.
        AgentSettings settings = coordinator.agentSettings(4, ApplyOptions.defaults("dash-agent")
                .withRetries(2, Duration.ofMillis(100), Duration.ofMillis(100)));
        AgentLoop agent = new AgentLoop(settings, new SchemaPatternDiscovery(pools, db.url(), "dash_%"), pools,
                (c, schema) -> SchemaFingerprint.of(c, schema).sha256());
        closing.add(agent);
        agent.start();
    }

    private void awaitApi(java.util.function.Predicate<JsonNode> condition) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> condition.test(coordinator.get("/api/fleet").json()));
    }

    private void awaitText(By locator, String text) {
        String[] last = {null};
        try {
            waiting().until(d -> {
                List<WebElement> found = d.findElements(locator);
                last[0] = found.isEmpty() ? null : found.get(0).getText().trim();
                return text.equals(last[0]);
            });
        } catch (RuntimeException e) {
            screenshot("timeout");
            throw new AssertionError(locator + " should read '" + text + "' but reads '" + last[0] + "'", e);
        }
    }

    private WebElement awaitElement(By locator) {
        try {
            return waiting().until(d -> {
                List<WebElement> found = d.findElements(locator);
                return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
            });
        } catch (RuntimeException e) {
            screenshot("timeout");
            throw new AssertionError(locator + " never appeared", e);
        }
    }

    /** Clicks the element once it is there, looking it up again if a live update replaced it. */
    private void click(By locator) {
        waiting().until(d -> {
            d.findElement(locator).click();
            return true;
        });
    }

    /** The element's text, read again if the page redrew it meanwhile (live updates replace rows). */
    private String textOf(By locator) {
        return waiting().until(d -> {
            List<WebElement> found = d.findElements(locator);
            return found.isEmpty() ? null : found.get(0).getText();
        });
    }

    /** Polls every 50 ms until {@link #DEADLINE}; an element replaced by a live update is looked up again. */
    private WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(browser, DEADLINE, Duration.ofMillis(50));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            System.err.println("DashboardIT: no screenshot " + name + ": " + e);
        }
    }
}
