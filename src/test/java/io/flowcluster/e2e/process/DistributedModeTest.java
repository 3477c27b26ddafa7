package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcluster.e2e.harness.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DISTRIBUTED mode with nodes as real processes: the job's owner coordinates a fanout step
 * and deals its packets over the cluster; every item's result is recorded exactly once,
 * through dead workers and a dead coordinator, within the queue bound, with the remote bias.
 * The job's other steps run wherever a slot is free, its wait step on its owner.
 */
class DistributedModeTest {

    private static final Duration FINISH = Duration.ofSeconds(120);

    @Test
    void aHundredThousandItemsAreProcessedExactlyOnceAndTheCoordinatorKeepsASmallerShare(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, Map.of("FLOW_DISTRIBUTION_REMOTE_BIAS", "3"),
                "node-a", "node-b", "node-c")) {
            awaitRing(cluster, 3);
            String job = cluster.submit("""
                    {"name": "big", "distribution": "DISTRIBUTED", "steps": [
                      {"name": "each", "kind": "fanout", "fanout": {"range": {"from": 0, "to": 100000}}}]}""");

            await().atMost(FINISH).until(() -> "SUCCEEDED".equals(cluster.job(job).get("state").asText()));

            assertThat(cluster.count("select count(*) from fanout_result where job_id = ?::uuid", job)).isEqualTo(100_000);
            assertThat(cluster.count("select count(distinct item) from fanout_result where job_id = ?::uuid and item between 0 and 99999"
                    + " and result::text::int = item", job)).as("each item once, with its own value").isEqualTo(100_000);
            String coordinator = cluster.job(job).get("steps").get(0).get("node").asText();
            Map<String, Long> packetsByNode = packetsByNode(cluster, job);
            System.out.printf("100,000 items, coordinator %s, packets per node %s%n", coordinator, packetsByNode);
            assertThat(packetsByNode).containsOnlyKeys("node-a", "node-b", "node-c");
            for (Map.Entry<String, Long> e : packetsByNode.entrySet()) {
                if (!e.getKey().equals(coordinator)) {
                    assertThat(packetsByNode.get(coordinator)).as("remote bias: the coordinator takes half a remote share")
                            .isEqualTo(e.getValue() / 2);
                }
            }
            JsonNode packets = cluster.job(job).get("steps").get(0).get("packets");
            assertThat(packets.get("total").asInt()).isEqualTo(1000);
            assertThat(packets.get("done").asInt()).isEqualTo(1000);
        }
    }

    @Test
    void killingAWorkerNodeAndThenTheCoordinatorMidRunLosesNoItemAndRunsNoneTwice(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, Map.of("FLOW_DISTRIBUTION_PACKET_SIZE", "20"),
                "node-a", "node-b", "node-c", "node-d")) {
            awaitRing(cluster, 4);
            String job = cluster.submit("""
                    {"name": "slow", "distribution": "DISTRIBUTED", "steps": [
                      {"name": "each", "kind": "fanout", "shell": "sleep 0.05; echo $FLOW_ITEM",
                       "fanout": {"range": {"from": 0, "to": 3000}}},
                      {"name": "after", "kind": "noop", "dependsOn": ["each"]}]}""");
            await().atMost(Duration.ofSeconds(30)).until(() -> done(cluster, job) >= 10);
            String coordinator = cluster.job(job).get("steps").get(0).get("node").asText();
            String worker = cluster.query("""
                    select node from packet where job_id = ?::uuid and state = 'RUNNING' and node <> ?
                    group by node order by count(*) desc limit 1""", job, coordinator).get(0).get("node").toString();

            cluster.node(worker).killHard();
            long before = done(cluster, job);
            // the coordinator has taken the worker's packets back, and its log says so (a line
            // not yet flushed would die with it)
            await().atMost(Duration.ofSeconds(30)).until(() -> done(cluster, job) >= before + 10
                    && cluster.anyLive().get("/api/v1/jobs/" + job + "/log").body().contains("lost with " + worker));
            cluster.node(coordinator).killHard();

            await().atMost(FINISH).until(() -> "SUCCEEDED".equals(cluster.job(job).get("state").asText()));
            assertThat(cluster.count("select count(*) from fanout_result where job_id = ?::uuid and ok", job)).isEqualTo(3000);
            assertThat(cluster.count("select count(*) from packet where job_id = ?::uuid and attempt > 1", job))
                    .as("packets lost with the dead nodes ran again").isPositive();
            JsonNode step = cluster.job(job).get("steps").get(0);
            assertThat(step.get("attempt").asInt()).as("the new owner coordinated with the next attempt").isEqualTo(2);
            assertThat(step.get("node").asText()).isNotIn(coordinator, worker);
            assertThat(cluster.count("""
                    select count(*) from fanout_result where job_id = ?::uuid and node in (?, ?)
                      and packet_no in (select packet_no from packet where job_id = ?::uuid and attempt > 1)""",
                    job, worker, coordinator, job)).as("no result from a run that was taken back").isZero();
            String log = cluster.anyLive().get("/api/v1/jobs/" + job + "/log").body();
            assertThat(log).contains("lost with " + worker).contains("coordinating from ").contains("[fanout done: 150 packets");
            assertThat(cluster.overlappingAttempts()).isZero();
        }
    }

    @Test
    void aFullQueuePushesBackAndEveryPacketIsStillDone(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, Map.of("FLOW_DISTRIBUTION_TASK_QUEUE_SIZE", "2",
                "FLOW_DISTRIBUTION_PACKET_SIZE", "10", "FLOW_WORKER_TASK_POOL_SIZE", "2"), "node-a", "node-b", "node-c")) {
            awaitRing(cluster, 3);
            String job = cluster.submit("""
                    {"name": "bounded", "distribution": "DISTRIBUTED", "steps": [
                      {"name": "each", "kind": "fanout", "fanout": {"range": {"from": 0, "to": 10000}}}]}""");
            AtomicLong maxQueued = new AtomicLong();
            AtomicBoolean heldBack = new AtomicBoolean();
            await().atMost(FINISH).pollInterval(Duration.ofMillis(20)).until(() -> {
                List<Map<String, Object>> rows = cluster.query("""
                        select coalesce(max(queued), 0) as queued, (select count(*) from packet where state = 'PENDING') as pending
                        from (select count(*) as queued from packet where state = 'QUEUED' group by node) q""");
                maxQueued.accumulateAndGet(((Number) rows.get(0).get("queued")).longValue(), Math::max);
                heldBack.compareAndSet(false, ((Number) rows.get(0).get("pending")).longValue() > 0);
                return "SUCCEEDED".equals(cluster.job(job).get("state").asText());
            });
            System.out.printf("queue bound 2: most packets queued on one node %d%n", maxQueued.get());
            assertThat(maxQueued.get()).as("packets queued on one node").isBetween(1L, 2L);
            assertThat(heldBack).as("packets waited for room in a queue").isTrue();
            assertThat(cluster.count("select count(*) from fanout_result where job_id = ?::uuid", job)).isEqualTo(10_000);
            assertThat(packetsByNode(cluster, job)).containsOnlyKeys("node-a", "node-b", "node-c");
        }
    }

    @Test
    void aDistributedJobsCommandStepsTakeFreeSlotsOnEveryNodeWhileItsWaitStepStaysWithTheOwner(@TempDir Path dir)
            throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, Map.of("FLOW_WORKER_TASK_POOL_SIZE", "2"), "node-a", "node-b", "node-c")) {
            awaitRing(cluster, 3);
            StringBuilder steps = new StringBuilder("{\"name\": \"gate\", \"kind\": \"wait\", \"message\": \"go\"}");
            for (int i = 0; i < 12; i++) {
                steps.append(", {\"name\": \"s").append(i).append("\", \"shell\": \"sleep 1\"}");
            }
            String job = cluster.submit("{\"name\": \"wide\", \"distribution\": \"DISTRIBUTED\", \"steps\": [" + steps + "]}");
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.count(
                    "select count(*) from step where job_id = ?::uuid and state = 'SUCCEEDED'", job) == 12);
            assertThat(cluster.anyLive().post("/api/v1/jobs/" + job + "/messages", "{\"name\": \"go\"}").statusCode()).isEqualTo(202);

            await().atMost(FINISH).until(() -> "SUCCEEDED".equals(cluster.job(job).get("state").asText()));
            String owner = cluster.job(job).get("owner").asText();
            assertThat(cluster.query("select distinct node from step_attempt where job_id = ?::uuid and idx > 0", job))
                    .as("command steps on every node").hasSize(3);
            assertThat(cluster.query("select node from step_attempt where job_id = ?::uuid and idx = 0", job))
                    .extracting(r -> r.get("node")).containsOnly(owner);
            assertThat(cluster.overlappingAttempts()).isZero();
        }
    }

    /** Packets are dealt over the scheduler's applied ring: wait until every node is in it. */
    private static void awaitRing(TestCluster cluster, int members) {
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.cluster().get("ring").get("members").size() == members);
    }

    private static long done(TestCluster cluster, String job) {
        return cluster.count("select count(*) from packet where job_id = ?::uuid and state = 'DONE'", job);
    }

    private static Map<String, Long> packetsByNode(TestCluster cluster, String job) {
        return cluster.query("select node, count(*) as n from packet where job_id = ?::uuid and state = 'DONE' group by node", job)
                .stream().collect(Collectors.toMap(r -> r.get("node").toString(), r -> ((Number) r.get("n")).longValue()));
    }
}
