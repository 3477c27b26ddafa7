package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.ServerProcess;
import io.flowcluster.e2e.harness.TestCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 9 against a node with the heap a local node gets (256 MB): jobs whose output is
 * a flood of empty lines or one endless line run beside an ordinary job, and the node keeps
 * its memory, its background threads and its other jobs.
 */
class HostileJobsTest {

    @Test
    void outputBombsAreCutAndTheNodeRunsOn(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, Map.of("FLOW_WORKER_TASK_POOL_SIZE", "8"), "node-a")) {
            List<String> emptyLines = new ArrayList<>();
            List<String> longLines = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // 3 million empty lines each: held as line objects they needed far more than the heap
                emptyLines.add(cluster.submit("""
                        {"name": "empty-lines-%d", "steps": [{"name": "flood", "shell": "yes '' | head -c 3000000"}]}""".formatted(i)));
            }
            for (int i = 0; i < 2; i++) {
                // one line of 150 MB
                longLines.add(cluster.submit("""
                        {"name": "long-line-%d", "steps": [{"name": "flood", "shell": "head -c 157286400 /dev/zero | tr '\\\\0' y"}]}"""
                        .formatted(i)));
            }
            String ordinary = cluster.submit("""
                    {"name": "ordinary", "steps": [{"name": "a", "shell": "sleep 1; echo fine"}, {"name": "b", "kind": "noop", "dependsOn": ["a"]}]}""");

            List<String> all = new ArrayList<>(emptyLines);
            all.addAll(longLines);
            all.add(ordinary);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> cluster.allInState(all, "SUCCEEDED"));

            ServerProcess node = cluster.node("node-a");
            assertThat(node.isAlive()).isTrue();
            assertThat(node.output()).doesNotContain("OutOfMemoryError");
            for (String id : emptyLines) {
                String log = log(node, id);
                assertThat(log).contains("[output cut: ", "lines (", "bytes) dropped; the log keeps the last");
                assertThat(cluster.count("select count(*) from step_log where job_id = ?::uuid", id))
                        .as("the kept output is bounded by the line limit").isLessThanOrEqualTo(10_002);
            }
            for (String id : longLines) {
                assertThat(log(node, id)).contains("[line cut: " + (157_286_400 - 16_384) + " more bytes]");
            }
            assertThat(log(node, ordinary)).contains("fine");
            // its heartbeat, lease and claim loops all still work: a new job runs to the end
            String after = cluster.submit("""
                    {"name": "after", "steps": [{"name": "a", "shell": "echo after"}]}""");
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.allInState(List.of(after), "SUCCEEDED"));
            assertThat(cluster.memberState("node-a")).isEqualTo("live");
        }
    }

    private static String log(ServerProcess node, String id) throws Exception {
        HttpResponse<String> r = node.get("/api/v1/jobs/" + id + "/log");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
