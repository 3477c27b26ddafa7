package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.RealApiServer;
import io.flowcluster.e2e.harness.ServerProcess;
import io.flowcluster.e2e.harness.TestCluster;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser (Debian's headless Chromium through its chromedriver) on a
 * cluster of two real nodes: log in, see the members and the ring, open a job, see its graph,
 * abort it after confirming, send a waiting job its message, drain and undrain a member, pause a
 * schedule, live through a node's restart, forget the token. With
 * {@code -Dflowcluster.update-screenshots=true} its screenshots replace those in docs/.
 */
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aUserLogsInSeesTheClusterOpensAJobAndAbortsIt(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            RealApiServer.skip("no " + CHROMIUM + " and " + CHROMEDRIVER + " (Debian packages chromium and chromium-driver; "
                    + ".ci/run installs them)");
        }
        try (TestCluster cluster = TestCluster.start(dir, "node-a", "node-b")) {
            String done = cluster.submit("""
                    {"name": "nightly-build", "labels": {"team": "web"}, "steps": [
                      {"name": "checkout", "shell": "echo checked out"},
                      {"name": "compile", "shell": "echo compiled", "dependsOn": ["checkout"]},
                      {"name": "unit-tests", "shell": "echo tests passed", "dependsOn": ["compile"]},
                      {"name": "lint", "shell": "echo clean", "dependsOn": ["checkout"]},
                      {"name": "package", "kind": "noop", "dependsOn": ["unit-tests", "lint"]}]}""");
            String broken = cluster.submit("""
                    {"name": "flaky-integration", "steps": [
                      {"name": "integration", "shell": "echo connection refused >&2; exit 1", "retries": {"limit": 1, "backoff": "0s"}}]}""");
            String release = cluster.submit("""
                    {"name": "release", "priority": 5, "steps": [
                      {"name": "build", "shell": "echo built"},
                      {"name": "approval", "kind": "wait", "message": "approve", "dependsOn": ["build"]},
                      {"name": "ship", "shell": "echo shipped", "dependsOn": ["approval"]}]}""");
            String deploy = cluster.submit("""
                    {"name": "deploy", "steps": [{"name": "gate", "kind": "wait", "message": "go"},
                      {"name": "roll-out", "shell": "echo rolled out", "dependsOn": ["gate"]}]}""");
            await().atMost(WAIT).until(() -> cluster.allInState(List.of(done), "SUCCEEDED")
                    && cluster.allInState(List.of(broken), "FAILED")
                    && cluster.job(release).get("steps").get(1).get("state").asText().equals("RUNNING"));

            ServerProcess page = cluster.node("node-a");
            WebDriver browser = browser(dir);
            try {
                browser.get(page.baseUrl() + "/");
                assertThat(visible(browser, By.id("login"))).isTrue();
                browser.findElement(By.id("token")).sendKeys("wrong-token");
                browser.findElement(By.id("login-button")).click();
                await().atMost(WAIT).until(() -> browser.findElement(By.id("error")).getText().equals("The token was refused."));

                browser.findElement(By.id("token")).sendKeys(ServerProcess.TOKEN);
                browser.findElement(By.id("login-button")).click();
                await().atMost(WAIT).until(() -> browser.findElements(By.cssSelector("#members tr")).size() == 2);
                assertThat(texts(browser, "#members tr td:first-child")).anyMatch(t -> t.startsWith("node-a"))
                        .anyMatch(t -> t.startsWith("node-b")).anyMatch(t -> t.endsWith("scheduler"));
                assertThat(texts(browser, "#ring .ring-label")).hasSize(2);
                assertThat(browser.findElement(By.cssSelector("#ring .ring-epoch")).getText()).matches("epoch [1-9]\\d*");
                await().atMost(WAIT).until(() -> browser.findElements(By.cssSelector("#throughput polyline")).size() == 1);
                await().atMost(WAIT).until(() -> texts(browser, "#jobs tr td:first-child")
                        .containsAll(List.of("nightly-build", "flaky-integration", "release")));
                assertThat(classOf(browser, By.xpath("//tr[td[1]='flaky-integration']//div[@class='bar']/div")))
                        .as("a failed job's bar is not the colour of success").isEqualTo("FAILED");

                // a burst of work: the charts show it
                for (int i = 0; i < 40; i++) {
                    cluster.submit("{\"name\": \"batch-" + i + "\", \"steps\": [{\"name\": \"s\", \"shell\": \"sleep 1\"}]}");
                }
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        !browser.findElement(By.id("throughput-now")).getText().equals("0.0 jobs/s"));
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        browser.findElement(By.id("queue-now")).getText().equals("0 steps ready"));

                // the list filtered by name: only the matching job
                browser.findElement(By.id("filter-name")).sendKeys("NIGHTLY");
                browser.findElement(By.id("filter-apply")).click();
                await().atMost(WAIT).until(() -> texts(browser, "#jobs tr td:first-child").equals(List.of("nightly-build")));
                click(browser, row("nightly-build"));
                await().atMost(WAIT).until(() -> browser.findElements(By.cssSelector("#graph g.step")).size() == 5);
                assertThat(browser.findElements(By.cssSelector("#graph path.edge"))).hasSize(5);
                assertThat(browser.findElements(By.cssSelector("#timeline rect.attempt.SUCCEEDED"))).hasSize(5);
                click(browser, By.cssSelector("#graph g.step[data-step='unit-tests']"));
                await().atMost(WAIT).until(() -> browser.findElement(By.id("step-info")).getText()
                        .matches("unit-tests: #1 on node-[ab] SUCCEEDED \\(exit 0\\)"));
                ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
                screenshot(browser, dir, "dashboard.png");
                // the release job is three pages back behind the burst: the pager finds it
                browser.findElement(By.id("filter-name")).clear();
                browser.findElement(By.id("filter-apply")).click();
                await().atMost(WAIT).until(() -> texts(browser, "#jobs tr td:first-child").size() == 15);
                for (int n = 2; n <= 3; n++) {
                    String pageInfo = "page " + n;
                    click(browser, By.id("older"));
                    await().atMost(WAIT).until(() -> browser.findElement(By.id("page-info")).getText().equals(pageInfo));
                }
                await().atMost(WAIT).until(() -> texts(browser, "#jobs tr td:first-child").contains("release"));
                click(browser, row("release"));
                await().atMost(WAIT).until(() -> browser.findElements(By.cssSelector("#graph g.step")).size() == 3);
                assertThat(classOf(browser, By.cssSelector("#graph g.step[data-step='approval']"))).contains("RUNNING");
                screenshot(browser, dir, "dashboard-job.png");

                // abort asks first: cancelling changes nothing, confirming aborts
                browser.findElement(By.id("abort")).click();
                await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
                assertThat(browser.findElement(By.id("confirm-text")).getText()).startsWith("Abort release?");
                browser.findElement(By.id("confirm-cancel")).click();
                Thread.sleep(1000);
                assertThat(cluster.job(release).get("state").asText()).isEqualTo("RUNNING");
                browser.findElement(By.id("abort")).click();
                await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
                browser.findElement(By.id("confirm-ok")).click();
                await().atMost(WAIT).until(() -> cluster.job(release).get("state").asText().equals("ABORTED"));
                await().atMost(WAIT).until(() -> browser.findElement(By.id("detail-title")).getText().contains("ABORTED"));
                await().atMost(WAIT).until(() -> texts(browser, "#detail-origin").get(0).startsWith("deleted "));

                // a message to a waiting step, named as the step waits for it
                browser.findElement(By.id("filter-name")).sendKeys("deploy");
                browser.findElement(By.id("filter-apply")).click();
                await().atMost(WAIT).until(() -> texts(browser, "#jobs tr td:first-child").equals(List.of("deploy")));
                click(browser, row("deploy"));
                await().atMost(WAIT).until(() -> browser.findElement(By.id("detail-title")).getText().startsWith("deploy")
                        && browser.findElement(By.id("send-message")).isEnabled());
                browser.findElement(By.id("send-message")).click();
                await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
                assertThat(browser.findElement(By.id("message-name")).getAttribute("value")).isEqualTo("go");
                browser.findElement(By.id("confirm-ok")).click();
                await().atMost(WAIT).until(() -> cluster.allInState(List.of(deploy), "SUCCEEDED"));

                // drain a member and take it back, each after confirming
                By drainB = By.xpath("//tbody[@id='members']/tr[starts-with(td[1], 'node-b')]//button");
                await().atMost(WAIT).until(() -> texts(browser, "#members tr td:last-child").contains("Drain"));
                click(browser, drainB);
                await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
                assertThat(browser.findElement(By.id("confirm-text")).getText()).startsWith("Drain node-b?");
                browser.findElement(By.id("confirm-ok")).click();
                await().atMost(WAIT).until(() -> List.of("draining", "drained").contains(cluster.memberState("node-b")));
                await().atMost(WAIT).until(() -> texts(browser, "#members tr td:last-child").contains("Undrain"));
                click(browser, drainB);
                await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
                browser.findElement(By.id("confirm-ok")).click();
                await().atMost(WAIT).until(() -> cluster.memberState("node-b").equals("live"));

                // a schedule is listed with its next tick, and paused from there after confirming
                assertThat(cluster.anyLive().put("/api/v1/schedules/hourly-report", """
                        {"cron": "0 * * * *", "job": {"name": "report", "steps": [{"name": "a", "kind": "noop"}]}}""")
                        .statusCode()).isEqualTo(201);
                By pauseReport = By.xpath("//tbody[@id='schedules']/tr[td[1] = 'hourly-report']//button");
                await().atMost(WAIT).until(() -> texts(browser, "#schedules tr td:first-child").contains("hourly-report"));
                assertThat(texts(browser, "#schedules tr td:nth-child(2)")).contains("cron 0 * * * *");
                click(browser, pauseReport);
                await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
                assertThat(browser.findElement(By.id("confirm-text")).getText()).startsWith("Pause hourly-report?");
                browser.findElement(By.id("confirm-ok")).click();
                await().atMost(WAIT).until(() -> cluster.anyLive().get("/api/v1/schedules/hourly-report").body().contains("\"paused\":true"));
                await().atMost(WAIT).until(() -> texts(browser, "#schedules tr td:nth-child(3)").contains("paused"));

                // the node serving the page restarts: the page says so and carries on
                page.killHard();
                await().atMost(WAIT).until(() -> browser.findElement(By.id("connection")).getText().equals("reconnecting\u2026"));
                page.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> browser.findElement(By.id("connection")).getText().equals("live"));

                browser.findElement(By.id("forget")).click();
                assertThat(visible(browser, By.id("login"))).isTrue();
                assertThat(((JavascriptExecutor) browser).executeScript("return sessionStorage.length")).isEqualTo(0L);
            } finally {
                browser.quit();
            }
        }
    }

    private static WebDriver browser(Path dir) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1500,1000", "--user-data-dir=" + dir.resolve("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static boolean visible(WebDriver browser, By by) {
        return browser.findElement(by).isDisplayed();
    }

    /** Read in one go: the page redraws its tables and drawings every 2 s, which makes elements found earlier stale. */
    @SuppressWarnings("unchecked")
    private static List<String> texts(WebDriver browser, String css) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim())", css);
    }

    /** Clicks what the selector finds, again if a redraw replaced it between finding and clicking. */
    private static void click(WebDriver browser, By by) {
        await().atMost(WAIT).ignoreException(StaleElementReferenceException.class).until(() -> {
            browser.findElement(by).click();
            return true;
        });
    }

    private static String classOf(WebDriver browser, By by) {
        return await().atMost(WAIT).ignoreException(StaleElementReferenceException.class)
                .until(() -> browser.findElement(by).getAttribute("class"), c -> true);
    }

    private static By row(String jobName) {
        return By.xpath("//tbody[@id='jobs']/tr[td[1]='" + jobName + "']");
    }

    /** Kept with the test's files; copied into docs/ when asked, for the README. */
    private static void screenshot(WebDriver browser, Path dir, String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        if (Boolean.getBoolean("flowcluster.update-screenshots")) {
            Path docs = Path.of(System.getProperty("flowcluster.docs", "../../docs/screenshots"));
            Files.createDirectories(docs);
            Files.copy(shot.toPath(), docs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
