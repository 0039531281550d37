package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.manilaj.core.auth.TokenService;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's chromium through its chromedriver, headless): a wrong token's clear
 * error, a pool's bar moving after a create made through the API, the share found by search with its export
 * location and access rule, a migration's progress, a refused create's user message; and a share name made of
 * markup shown as text. A screenshot of each page is saved under {@code target/console-screenshots/}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ConsoleBrowserSystemIT {
    private static final Path VAR = TestPaths.tempDirectory("manila-console");
    private static final String DB_URL = "jdbc:h2:file:" + VAR.resolve("db/manila");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-migration.yml"),
            ConfigOverride.config("database.url", DB_URL),
            ConfigOverride.config("auth.mode", "token"),
            ConfigOverride.config("backends[0].storage_root", VAR.resolve("first").toString()),
            ConfigOverride.config("backends[1].storage_root", VAR.resolve("second").toString()));
    private static final String FIRST_POOL = "manila@first#pool0";

    private static WebDriver browser;
    private static ManilaClient admin;
    private static String adminToken;
    private static String memberToken;

    @BeforeAll
    static void startBrowserAndIssueAToken() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(DB_URL);
        dataSource.setUser("manila");
        TokenService tokens = new TokenService(Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin()), Clock.systemUTC());
        adminToken = tokens.create("cccc0000", "operator", List.of("admin"), null).token();
        memberToken = tokens.create("dddd0000", "dora", List.of("member"), null).token();
        admin = new ManilaClient(APP.getLocalPort()).withHeader("X-Auth-Token", adminToken);
        admin.ensureDefaultType();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void open(String fragment) {
        browser.get("http://127.0.0.1:" + APP.getLocalPort() + "/console/" + fragment);
    }

    private static void signIn(String token) {
        WebElement field = waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
    }

    private static WebElement poolRow(String pool) {
        return waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#pools tr[data-pool='" + pool + "']")));
    }

    @Test
    void theConsoleShowsPoolsSharesMigrationsAndMessagesToASignedInAdmin() throws Exception {
        // a wrong token: a clear error on the sign-in form, not a blank page (also without the trailing slash)
        browser.get("http://127.0.0.1:" + APP.getLocalPort() + "/console");
        signIn("not-a-token");
        WebElement error = waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertThat(error.getText()).startsWith("Sign-in failed:").contains("unknown, expired or revoked");
        assertThat(browser.findElement(By.id("login")).isDisplayed()).isTrue();
        screenshot("login-wrong-token");

        // pools: the bar of the pool a create lands on moves
        signIn(adminToken);
        WebElement before = poolRow(FIRST_POOL);
        assertThat(before.findElement(By.cssSelector("[data-provisioned]")).getAttribute("data-provisioned")).isEqualTo("0");
        String widthBefore = before.findElement(By.cssSelector(".bar .fill")).getAttribute("style");
        String name = "console-share";
        Map<String, Object> created = admin.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 20,"
                + " \"name\": \"" + name + "\"}}").object("share");
        String id = (String) created.get("id");
        assertThat(admin.awaitStatus(id, "available")).containsEntry("host", FIRST_POOL);
        waitUpTo(10).until(driver -> "20".equals(poolRow(FIRST_POOL).findElement(By.cssSelector("[data-provisioned]"))
                .getAttribute("data-provisioned")));
        assertThat(poolRow(FIRST_POOL).findElement(By.cssSelector(".bar .fill")).getAttribute("style"))
                .isNotEqualTo(widthBefore);
        screenshot("pools");

        // a crafted or stale address shows the first page, not a blank one
        for (String fragment : List.of("#__proto__", "#constructor", "#%", "#share/..", "#share/x%2F..%2F..")) {
            open(fragment);
            poolRow(FIRST_POOL);
            assertThat(browser.findElement(By.id("error")).isDisplayed()).as(fragment).isFalse();
        }

        // shares: found by search, its page shows the export location and the access rule
        assertThat(admin.post("/v2/shares/" + id + "/action", "{\"allow_access\": {\"access_type\": \"ip\","
                + " \"access_to\": \"10.0.0.7\", \"access_level\": \"rw\"}}").status()).isEqualTo(200);
        admin.awaitAccessActive(id);
        String markup = "<img src=x onerror=\"document.title='pwned'\">";
        String other = admin.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"name\": \""
                + markup.replace("\"", "\\\"") + "\"}}").object("share").get("id").toString();
        admin.awaitStatus(other, "available");
        browser.findElement(By.cssSelector("#nav a[data-view=shares]")).click();
        WebElement search = waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("search")));
        waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#shares tr[data-share='" + other + "']")));
        assertThat(browser.findElement(By.cssSelector("#shares tr[data-share='" + other + "'] a")).getText()).isEqualTo(markup);
        assertThat(browser.getTitle()).isEqualTo("Manila-J console");
        search.sendKeys(name);
        waitUpTo(10).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#shares tr[data-share='" + other + "']")));
        WebElement row = browser.findElement(By.cssSelector("#shares tr[data-share='" + id + "']"));
        assertThat(row.getText()).contains(name, "available", FIRST_POOL);
        assertThat(browser.findElement(By.id("by-project")).getText()).contains("cccc0000", "available 1");
        screenshot("shares");
        row.findElement(By.linkText(name)).click();
        WebElement exports = waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("exports")));
        String exportPath = (String) admin.get("/v2/shares/" + id + "/export_locations").list("export_locations").get(0).get("path");
        assertThat(exports.getText()).contains(exportPath);
        assertThat(browser.findElement(By.id("access")).getText()).contains("10.0.0.7", "rw", "active");
        assertThat(browser.findElement(By.id("share")).getText()).contains(id, "cccc0000");
        screenshot("share");

        // in flight: a migration's progress, live
        Files.writeString(VAR.resolve("first").resolve(id).resolve("data.txt"), "x".repeat(100_000));
        assertThat(admin.post("/v2/shares/" + id + "/action", "{\"migration_start\": {\"host\": \"manila@second#pool0\","
                + " \"writable\": false, \"preserve_metadata\": false, \"nondisruptive\": false,"
                + " \"preserve_snapshots\": false}}").status()).isEqualTo(202);
        browser.findElement(By.cssSelector("#nav a[data-view=activity]")).click();
        By migration = By.cssSelector("#migrations tr[data-migration='" + id + "']");
        waitUpTo(60).until(driver -> driver.findElements(migration).stream().anyMatch(element ->
                element.getText().contains("migration_driver_phase1_done")
                        && "100".equals(element.findElement(By.cssSelector("[data-progress]")).getAttribute("data-progress"))));
        assertThat(browser.findElement(migration).getText()).contains(FIRST_POOL, "100 %");
        screenshot("in-flight");
        assertThat(admin.post("/v2/shares/" + id + "/action", "{\"migration_complete\": null}").status()).isEqualTo(202);
        waitUpTo(60).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-section=Migrations]"),
                "No migration in flight."));

        // messages: a create no pool can take leaves a user message
        assertThat(admin.post("/v2/types", "{\"share_type\": {\"name\": \"nowhere\", \"extra_specs\":"
                + " {\"driver_handles_share_servers\": false, \"share_backend_name\": \"nowhere\"}}}").status()).isEqualTo(200);
        String refused = admin.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1,"
                + " \"share_type\": \"nowhere\"}}").object("share").get("id").toString();
        admin.awaitStatus(refused, "error");
        browser.findElement(By.cssSelector("#nav a[data-view=problems]")).click();
        WebElement messages = waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("messages")));
        assertThat(messages.getText()).contains(refused);
        assertThat(browser.findElement(By.cssSelector("[data-section='Hook dead letters']")).getText()).contains("No dead letter.");
        screenshot("messages");

        // signing out forgets the token: a reload asks again
        browser.findElement(By.id("logout")).click();
        browser.navigate().refresh();
        assertThat(waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("login"))).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("view")).isDisplayed()).isFalse();

        // a project member: their own shares, and the admin pages say they are for admins
        signIn(memberToken);
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "project member"));
        browser.findElement(By.cssSelector("#nav a[data-view=shares]")).click();
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Shares (0 of 0)"));
        browser.findElement(By.cssSelector("#nav a[data-view=pools]")).click();
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-section=Pools]"),
                "Admins only"));
        screenshot("member");
    }
}
