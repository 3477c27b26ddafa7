package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.ServerProcess;
import io.flowcluster.e2e.harness.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariant 6 across processes: a message sent to any node is processed once, by the job's owner. */
class MessagesAcrossNodesTest {

    private static final String GATED = """
            {"name": "gated", "steps": [
              {"name": "approval", "kind": "wait", "message": "approve"},
              {"name": "deploy", "kind": "noop", "dependsOn": ["approval"]}]}""";

    @Test
    void aMessageSentToAnotherNodeIsProcessedOnceByTheOwner(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, "node-a", "node-b", "node-c")) {
            String job = cluster.submit(GATED);
            String owner = awaitWaiting(cluster, job, 1);
            ServerProcess other = cluster.otherThan(owner);

            assertThat(other.post("/api/v1/jobs/" + job + "/messages", "{\"name\": \"approve\"}").statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.allInState(List.of(job), "SUCCEEDED"));
            List<Map<String, Object>> messages = cluster.query("select received_by, processed_by from job_message where job_id = ?::uuid", job);
            assertThat(messages).hasSize(1);
            assertThat(messages.get(0)).containsEntry("processed_by", owner).doesNotContainEntry("received_by", owner);

            long epoch = cluster.cluster().get("ring").get("epoch").asLong();
            for (String id : List.of("node-a", "node-b", "node-c")) {
                String metrics = cluster.node(id).get("/q/metrics").body();
                assertThat(metrics).as("every node exports the ring epoch, not only the scheduler's")
                        .contains("flow_ring_epoch " + epoch + ".0");
            }
        }
    }

    @Test
    void aWaitStepResumesOnTheNewOwnerAfterItsNodeDied(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, "node-a", "node-b", "node-c")) {
            String job = cluster.submit(GATED);
            String first = awaitWaiting(cluster, job, 1);

            cluster.node(first).killHard();
            String second = awaitWaiting(cluster, job, 2);
            assertThat(second).isNotEqualTo(first);
            assertThat(cluster.anyLive().post("/api/v1/jobs/" + job + "/messages", "{\"name\": \"approve\"}").statusCode())
                    .isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.allInState(List.of(job), "SUCCEEDED"));
            assertThat(cluster.query("select processed_by from job_message where job_id = ?::uuid", job).get(0))
                    .containsEntry("processed_by", second);
            String log = cluster.anyLive().get("/api/v1/jobs/" + job + "/log").body();
            assertThat(log).contains("approval#1 " + first + " system | [attempt 1 on " + first + " ended LOST")
                    .contains("approval#2 " + second).contains("[message 'approve' arrived");
        }
    }

    /** Waits until the job's wait step runs in this attempt; returns the node it runs on. */
    private static String awaitWaiting(TestCluster cluster, String job, int attempt) {
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.count(
                "select count(*) from step where job_id = ?::uuid and idx = 0 and state = 'RUNNING' and attempt = ?", job, attempt) == 1);
        return cluster.query("select node from step where job_id = ?::uuid and idx = 0", job).get(0).get("node").toString();
    }
}
