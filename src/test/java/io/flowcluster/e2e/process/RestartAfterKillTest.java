package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcluster.e2e.harness.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariants 1 and 3 across a crash: kill -9 the server while steps run, start it again,
 * and every acknowledged job still finishes; steps that were running get their next attempt.
 */
class RestartAfterKillTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int JOBS = 6;

    @Test
    void everyJobFinishesAfterTheServerIsKilledMidStep(@TempDir Path dir) throws Exception {
        Path started = Files.createDirectories(dir.resolve("started"));
        // no datasource configured: the server runs its embedded PostgreSQL, as on a laptop (one node in-process)
        Map<String, String> env = Map.of("FLOW_DATA_DIR", dir.resolve("data").toString(),
                "FLOW_LOCAL_NODES", "1", "FLOW_WORKER_TASK_POOL_SIZE", "4");
        List<String> jobs = new ArrayList<>();
        ServerProcess first = new ServerProcess(dir, "node-a", env).start();
        try {
            for (int i = 0; i < JOBS; i++) {
                var r = first.post("/api/v1/jobs", """
                        {"name": "crash-%d", "steps": [
                          {"name": "work", "shell": "touch %s/$FLOW_JOB_ID-$FLOW_ATTEMPT; sleep 2"},
                          {"name": "after", "kind": "noop", "dependsOn": ["work"]}]}""".formatted(i, started));
                assertThat(r.statusCode()).isEqualTo(201);
                jobs.add(JSON.readTree(r.body()).get("id").asText());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> countFiles(started) >= 4);
        } finally {
            first.killHard();
        }

        try (ServerProcess second = new ServerProcess(dir, "node-a", env).start()) {
            assertThat(second.output()).contains("left running on"); // the orphaned PostgreSQL was stopped
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> jobs.stream().allMatch(id -> state(second, id).equals("SUCCEEDED")));
            int retried = 0;
            for (String id : jobs) {
                JsonNode work = job(second, id).get("steps").get(0);
                if (work.get("attempt").asInt() > 1) {
                    retried++;
                }
            }
            assertThat(retried).as("steps that were running when the node died ran again").isGreaterThanOrEqualTo(4);
        }
    }

    private static long countFiles(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }

    private static JsonNode job(ServerProcess server, String id) {
        try {
            return JSON.readTree(server.get("/api/v1/jobs/" + id).body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String state(ServerProcess server, String id) {
        return job(server, id).get("state").asText();
    }
}
