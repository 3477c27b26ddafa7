package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcluster.e2e.harness.ListeningSockets;
import io.flowcluster.e2e.harness.LocalLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first hour with the run command: the packaged server with no database starts
 * a local cluster, says where it is, refuses to start twice, brings a killed node back, and
 * stops from the terminal by draining its nodes.
 */
class LocalClusterLauncherTest {

    private static final Pattern NODE_LINE = Pattern.compile("^\\s+(node-\\d+)\\s+http://localhost:(\\d+)\\s+pid (\\d+)$");
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    @Test
    void startsTheNodesOnOneDatabaseRefusesASecondStartBringsAKilledNodeBackAndStopsThemAll(@TempDir Path dir)
            throws Exception {
        int basePort = LocalLauncher.freePorts(2);
        List<ProcessHandle> started = new ArrayList<>();
        try (LocalLauncher launcher = new LocalLauncher(dir, 2, basePort).start()) {
            List<Matcher> nodes = launcher.lines().stream().map(NODE_LINE::matcher).filter(Matcher::matches).toList();
            String token = launcher.token();
            assertThat(launcher.lines()).as("the token is never printed, only where it is kept").noneMatch(l -> l.contains(token))
                    .anyMatch(l -> l.contains(dir.resolve("api-token").toString()));
            assertThat(nodes).extracting(m -> m.group(1)).containsExactly("node-0", "node-1");
            for (Matcher node : nodes) {
                assertThat(ListeningSockets.addressesOf(Integer.parseInt(node.group(2)))).as("%s listens on loopback only",
                        node.group(1)).isNotEmpty().allMatch(a -> a.isLoopbackAddress());
            }
            started.addAll(launcher.descendants());
            assertThat(memberIds(launcher, basePort + 1)).containsExactly("node-0", "node-1");

            // a second start on the same data directory: refused, saying where the running one is; nothing of it touched
            long postgres = postmasterPid(dir);
            try (LocalLauncher second = new LocalLauncher(dir, 2, basePort).launch()) {
                assertThat(second.awaitExit(STOP_WAIT)).isEqualTo(1);
                assertThat(String.join("\n", second.lines())).contains("already running on " + dir)
                        .contains("pid " + launcher.pid()).contains("http://localhost:" + basePort)
                        .doesNotContain("Stopping PostgreSQL");
            }
            assertThat(postmasterPid(dir)).as("the running cluster's database").isEqualTo(postgres);
            assertThat(memberIds(launcher, basePort)).containsExactly("node-0", "node-1");

            // kill -9 a node: the others take over, and the launcher starts it again after a delay, saying so
            long killed = Long.parseLong(nodes.get(1).group(3));
            ProcessHandle.of(killed).orElseThrow().destroyForcibly();
            launcher.awaitLine(Pattern.compile(".*node-1 exited with code 137; the others take over its jobs\\. "
                    + "Restarting it in 5 s.*"), Duration.ofSeconds(20));
            Matcher back = launcher.awaitLine(Pattern.compile(".*node-1 is back: http://localhost:" + (basePort + 1)
                    + "\\s+pid (\\d+)$"), Duration.ofSeconds(120));
            assertThat(Long.parseLong(back.group(1))).isNotEqualTo(killed);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    member(launcher, basePort, "node-1").map(m -> m.get("state").asText())).contains("live"));
            started.addAll(launcher.descendants());

            launcher.ctrlC();
            assertThat(launcher.awaitExit(STOP_WAIT)).isZero();
            assertThat(launcher.lines()).anyMatch(l -> l.startsWith("[local-cluster] stopping: each node lets its running steps finish"))
                    .anyMatch(l -> l.equals("[local-cluster] stopped"));
        }
        assertThat(started).as("no node or database is left running").noneMatch(ProcessHandle::isAlive);
    }

    /**
     * Ctrl-C reaches the launcher only: it drains the nodes, so a running step finishes and is
     * not run again on the next start; a second Ctrl-C stops at once, and what still ran then
     * runs again on the next start, its attempt number showing it.
     */
    @Test
    void ctrlCDrainsTheNodesAndASecondCtrlCStopsThemAtOnce(@TempDir Path dir) throws Exception {
        int basePort = LocalLauncher.freePorts(2);
        Path data = dir.resolve("data");
        Path finished = dir.resolve("finished");
        String quick;
        String slow;
        try (LocalLauncher launcher = new LocalLauncher(data, 2, basePort)
                .with("FLOW_WORKER_DRAIN_TIMEOUT", "5m").start()) {
            quick = launcher.submit(basePort, """
                    {"name": "quick", "steps": [{"name": "work", "shell": "sleep 3; echo finished; touch %s"}]}""".formatted(finished));
            slow = launcher.submit(basePort, """
                    {"name": "slow", "steps": [{"name": "work", "shell": "sleep 600"}]}""");
            await().atMost(Duration.ofSeconds(30)).until(() -> stepState(launcher, basePort, quick).equals("RUNNING")
                    && stepState(launcher, basePort, slow).equals("RUNNING"));

            launcher.ctrlC();
            launcher.awaitLine(Pattern.compile("^\\[local-cluster\\] stopping: each node lets its running steps finish.*"),
                    Duration.ofSeconds(10));
            launcher.awaitLine(Pattern.compile("^\\[node-\\d\\] .*Draining: waiting for \\d running steps.*"), Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(finished));
            Thread.sleep(2000); // the step's end is recorded
            assertThat(launcher.lines()).as("the nodes are still draining: the slow step holds them")
                    .noneMatch(l -> l.equals("[local-cluster] stopped"));
            launcher.ctrlC();
            assertThat(launcher.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(launcher.lines()).anyMatch(l -> l.startsWith("[local-cluster] stopping now"))
                    .noneMatch(l -> l.contains("exited with code 130"));
        }

        try (LocalLauncher again = new LocalLauncher(data, 2, basePort).start()) {
            JsonNode quickJob = again.getJson(basePort, "/api/v1/jobs/" + quick);
            assertThat(quickJob.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(quickJob.get("steps").get(0).get("attempt").asInt()).as("it finished while its node drained").isEqualTo(1);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    again.getJson(basePort, "/api/v1/jobs/" + slow).get("steps").get(0).get("attempt").asInt())
                    .as("the step cut short runs again").isEqualTo(2));
        }
    }

    /** One node in the launcher's own process: Ctrl-C drains it too, and stops the database only after it, without an error. */
    @Test
    void aSingleNodeStopsCleanlyOnCtrlC(@TempDir Path dir) throws Exception {
        int port = LocalLauncher.freePorts(1);
        Path data = dir.resolve("data");
        String job;
        try (LocalLauncher launcher = new LocalLauncher(data, 1, port).start()) {
            job = launcher.submit(port, """
                    {"name": "quick", "steps": [{"name": "work", "shell": "sleep 3; echo finished"}]}""");
            await().atMost(Duration.ofSeconds(30)).until(() -> stepState(launcher, port, job).equals("RUNNING"));
            launcher.ctrlC();
            assertThat(launcher.awaitExit(STOP_WAIT)).isIn(0, 130);
            assertThat(launcher.lines()).as("a stop from the terminal is no error")
                    .noneMatch(l -> l.contains(" ERROR ") || l.contains("Exception") || l.contains("shutting down"))
                    .anyMatch(l -> l.contains("Stopped; handed back 0 steps"))
                    .as("a job that succeeds is not a line in the terminal").noneMatch(l -> l.contains("Job quick SUCCEEDED"));
        }
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).as("the database stopped with the node").doesNotExist();
        try (LocalLauncher again = new LocalLauncher(data, 1, port).start()) {
            JsonNode stored = again.getJson(port, "/api/v1/jobs/" + job);
            assertThat(stored.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(stored.get("steps").get(0).get("attempt").asInt()).isEqualTo(1);
            assertThat(again.lines()).noneMatch(l -> l.contains("left running on"));
        }
    }

    private static String stepState(LocalLauncher launcher, int port, String job) {
        return launcher.getJson(port, "/api/v1/jobs/" + job).get("steps").get(0).get("state").asText();
    }

    private static List<String> memberIds(LocalLauncher launcher, int port) {
        return StreamSupport.stream(launcher.getJson(port, "/api/v1/cluster").get("members").spliterator(), false)
                .map(m -> m.get("id").asText()).toList();
    }

    private static Optional<JsonNode> member(LocalLauncher launcher, int port, String id) {
        return StreamSupport.stream(launcher.getJson(port, "/api/v1/cluster").get("members").spliterator(), false)
                .filter(m -> m.get("id").asText().equals(id)).findFirst();
    }

    private static long postmasterPid(Path dataDir) throws java.io.IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
    }
}
