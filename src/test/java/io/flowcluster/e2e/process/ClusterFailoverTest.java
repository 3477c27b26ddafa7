package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcluster.e2e.harness.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes as real processes on one PostgreSQL: a node or the scheduler dies, pauses,
 * joins, drains or is stopped, and every job still finishes, each step attempt on one node
 * at a time (invariants 1 to 4).
 */
class ClusterFailoverTest {

    private static final Duration FINISH = Duration.ofSeconds(90);

    @Test
    void killingANodeRunningStepsRetriesThemOnTheSurvivors(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, "node-a", "node-b", "node-c")) {
            List<String> jobs = submit(cluster, 12, "{\"name\": \"work\", \"shell\": \"sleep 4\"}", "{\"name\": \"after\", \"kind\": \"noop\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.count("select count(*) from step where state = 'RUNNING'") >= 8);
            String scheduler = cluster.scheduler();
            String victim = cluster.query("""
                            select node from step where state = 'RUNNING' and node <> ? group by node order by count(*) desc limit 1""",
                    scheduler).get(0).get("node").toString();
            Set<String> victimJobs = new HashSet<>(strings(cluster.query(
                    "select job_id::text from step where state = 'RUNNING' and node = ?", victim)));

            cluster.node(victim).killHard();

            await().atMost(FINISH).until(() -> cluster.allInState(jobs, "SUCCEEDED"));
            for (String job : victimJobs) {
                List<Map<String, Object>> attempts = cluster.query(
                        "select attempt, node, outcome from step_attempt where job_id = ?::uuid and idx = 0 order by attempt", job);
                assertThat(attempts).as("attempts of %s", job).hasSizeGreaterThanOrEqualTo(2);
                assertThat(attempts.get(0)).containsEntry("node", victim).containsEntry("outcome", "LOST");
                assertThat(attempts.get(attempts.size() - 1)).containsEntry("outcome", "SUCCEEDED");
                assertThat(attempts.get(attempts.size() - 1).get("node")).isNotEqualTo(victim);
            }
            assertThat(cluster.overlappingAttempts()).isZero();
            assertThat(cluster.count("""
                    select count(*) from (select job_id from step_attempt where outcome = 'SUCCEEDED'
                    group by job_id having count(distinct node) > 1) j""")).as("jobs whose steps ran on two nodes without a failover")
                    .isEqualTo(cluster.count("""
                    select count(distinct job_id) from step_attempt where outcome = 'SUCCEEDED'
                      and job_id in (select job_id from step_attempt where outcome = 'LOST')
                      and job_id in (select job_id from step_attempt where outcome = 'SUCCEEDED' group by job_id having count(distinct node) > 1)"""));
        }
    }

    @Test
    void killingTheSchedulerHandsTheLeaseToAnotherNodeAndDispatchGoesOn(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, "node-a", "node-b", "node-c")) {
            JsonNode before = cluster.awaitScheduler(null, Duration.ofSeconds(20));
            String old = before.get("node").asText();

            long killedAt = System.nanoTime();
            cluster.node(old).killHard();
            JsonNode after = cluster.awaitScheduler(old, Duration.ofSeconds(15));
            System.out.printf("scheduler takeover after kill -9: %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);
            assertThat(after.get("epoch").asLong()).isGreaterThan(before.get("epoch").asLong());
            // at once: the killed node's heartbeat may still look fresh, but the new scheduler does not count the holder
            // whose lease lapsed a member until it beats again, so nothing submitted now starts there

            List<String> jobs = submit(cluster, 8, "{\"name\": \"s\", \"kind\": \"noop\"}");
            await().atMost(FINISH).until(() -> cluster.allInState(jobs, "SUCCEEDED"));
            assertThat(cluster.count("select count(*) from step_attempt where node = ?", old)).isZero();
        }
    }

    @Test
    void aPausedSchedulerThatWakesAfterLosingTheLeaseDispatchesNothing(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, "node-a", "node-b")) {
            JsonNode before = cluster.awaitScheduler(null, Duration.ofSeconds(20));
            String paused = before.get("node").asText();
            long oldEpoch = before.get("epoch").asLong();

            cluster.node(paused).signal("STOP");
            cluster.awaitScheduler(paused, Duration.ofSeconds(15));
            List<String> jobs = submit(cluster, 10, "{\"name\": \"s\", \"shell\": \"sleep 0.5\"}",
                    "{\"name\": \"t\", \"kind\": \"noop\"}");
            // the lease lapses before the node timeout: wake it only once the new scheduler has declared it dead
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    cluster.count("select count(*) from node where id = ? and declared_dead", paused) == 1);
            cluster.node(paused).signal("CONT");
            await().atMost(FINISH).until(() -> cluster.allInState(jobs, "SUCCEEDED"));

            assertThat(cluster.count("select count(*) from step where dispatched_epoch <= ?", oldEpoch))
                    .as("steps the old scheduler dispatched after it was deposed").isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> "live".equals(cluster.memberState(paused)));
            assertThat(cluster.node(paused).output()).contains("declared dead");
            assertThat(cluster.overlappingAttempts()).isZero();
        }
    }

    @Test
    void aJoiningNodeTakesItsShareAtStepBoundariesOnly(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, "node-a", "node-b")) {
            int count = 24;
            List<String> jobs = submit(cluster, count, "{\"name\": \"s1\", \"shell\": \"sleep 0.6\"}",
                    "{\"name\": \"s2\", \"shell\": \"sleep 0.6\", \"dependsOn\": [\"s1\"]}",
                    "{\"name\": \"s3\", \"shell\": \"sleep 0.6\", \"dependsOn\": [\"s2\"]}",
                    "{\"name\": \"s4\", \"shell\": \"sleep 0.6\", \"dependsOn\": [\"s3\"]}");
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.count("select count(*) from step where state = 'SUCCEEDED'") >= 8);

            cluster.join("node-c");
            await().atMost(FINISH).until(() -> cluster.allInState(jobs, "SUCCEEDED"));

            assertThat(cluster.count("select count(*) from step_attempt where attempt > 1 or outcome <> 'SUCCEEDED'"))
                    .as("no step was stopped to rebalance").isZero();
            long moved = cluster.count("select count(distinct job_id) from step_attempt where node = 'node-c'");
            System.out.printf("join: %d of %d running jobs moved to the new node%n", moved, count);
            assertThat(moved).as("the new node got a share, not everything").isPositive().isLessThanOrEqualTo(count * 2 / 3);
        }
    }

    @Test
    void drainingAMemberMovesItsJobsAtStepBoundariesUntilItOwnsNothing(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, "node-a", "node-b", "node-c")) {
            List<String> jobs = submit(cluster, 18, "{\"name\": \"s1\", \"shell\": \"sleep 0.6\"}",
                    "{\"name\": \"s2\", \"shell\": \"sleep 0.6\", \"dependsOn\": [\"s1\"]}",
                    "{\"name\": \"s3\", \"shell\": \"sleep 0.6\", \"dependsOn\": [\"s2\"]}");
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.count("select count(*) from step where state = 'RUNNING' and node = 'node-b'") > 0);

            assertThat(cluster.otherThan("node-b").post("/api/v1/cluster/members/node-b/drain", "").statusCode()).isEqualTo(200);
            Object drainedAt = cluster.query("select now() as t").get(0).get("t");
            await().atMost(Duration.ofSeconds(30)).until(() -> "drained".equals(cluster.memberState("node-b")));
            await().atMost(FINISH).until(() -> cluster.allInState(jobs, "SUCCEEDED"));

            assertThat(cluster.count("select count(*) from step_attempt where outcome <> 'SUCCEEDED'")).as("drain stops nothing").isZero();
            assertThat(cluster.count("""
                    select count(*) from step_attempt where node = 'node-b'
                    and started_at > ?::timestamptz + interval '1 second'""", drainedAt.toString()))
                    .as("steps started on the draining member after the drain").isZero();
            assertThat(cluster.node("node-b").isAlive()).isTrue();
        }
    }

    @Test
    void sigtermLetsRunningStepsFinishBeforeTheNodeExits(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, "node-a", "node-b")) {
            List<String> jobs = submit(cluster, 4, "{\"name\": \"long\", \"shell\": \"sleep 3\"}",
                    "{\"name\": \"next\", \"kind\": \"noop\", \"dependsOn\": [\"long\"]}");
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.count("select count(*) from step where state = 'RUNNING'") >= 4);
            String stopping = cluster.query("select node from step where state = 'RUNNING' limit 1").get(0).get("node").toString();

            assertThat(cluster.node(stopping).terminate(Duration.ofSeconds(25))).as("exited within the drain timeout").isTrue();

            await().atMost(FINISH).until(() -> cluster.allInState(jobs, "SUCCEEDED"));
            assertThat(cluster.count("select count(*) from step_attempt where outcome <> 'SUCCEEDED'"))
                    .as("the stopped node's steps finished instead of being lost").isZero();
            assertThat(cluster.count("select count(*) from step_attempt where node = ? and idx = 0", stopping)).isPositive();
        }
    }

    private static List<String> submit(TestCluster cluster, int count, String... steps) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(cluster.submit("{\"name\": \"job-" + i + "-" + UUID.randomUUID().toString().substring(0, 4)
                    + "\", \"steps\": [" + String.join(",", steps) + "]}"));
        }
        return ids;
    }

    private static List<String> strings(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> r.values().iterator().next().toString()).toList();
    }
}
