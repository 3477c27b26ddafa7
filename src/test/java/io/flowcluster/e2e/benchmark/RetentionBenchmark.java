package io.flowcluster.e2e.benchmark;

import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.BenchmarkReport;
import io.flowcluster.e2e.harness.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention at work: how fast expired jobs are deleted (one node at a time, in batches), and
 * whether the jobs that run meanwhile notice. 3 nodes, a durable PostgreSQL, noop jobs
 * submitted in batches of 1,000; a round is the time from its first batch until all its jobs
 * succeeded.
 */
class RetentionBenchmark {

    private static final int ROUND = Integer.getInteger("bench.jobs", 3000);
    private static final int EXPIRED = Integer.getInteger("bench.expired", 20_000);

    @Test
    void deletingWhileJobsRun(@TempDir Path dir) throws Exception {
        Map<String, String> settings = Map.of("FLOW_WORKER_TASK_POOL_SIZE", "8", "QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "16",
                "FLOW_API_MAX_BODY_BYTES", Integer.toString(4 << 20), "FLOW_RETENTION_INTERVAL", "1s");
        try (TestCluster cluster = TestCluster.startDurable(dir, settings, "node-a", "node-b", "node-c")) {
            // the jobs to expire go first: they warm the nodes up, so that the rounds compared below are alike
            round(cluster, "to-expire", EXPIRED);
            double before = round(cluster, "before", ROUND);
            cluster.query("update job set expires_at = now() - interval '1 second' where labels->>'run' = 'to-expire' returning id");
            long expireAt = System.nanoTime();
            double busy = round(cluster, "while-deleting", ROUND);
            long leftAfterBusy = expired(cluster);
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100)).until(() -> expired(cluster) == 0);
            double deleteSeconds = (System.nanoTime() - expireAt) / 1e9;
            double after = round(cluster, "after", ROUND);
            long rows = cluster.count("select count(*) from job where labels->>'run' = 'to-expire'");
            BenchmarkReport.table("Retention deleting " + EXPIRED + " expired one-step jobs, 3 nodes, batches of 200",
                    List.of("noop jobs/s before", "noop jobs/s while deleting", "noop jobs/s after", "expired jobs deleted in that round",
                            "deleted jobs/s", "left over"),
                    List.of(List.of(before, busy, after, EXPIRED - leftAfterBusy, EXPIRED / deleteSeconds, rows)));
        }
    }

    private static long expired(TestCluster cluster) {
        return cluster.count("select count(*) from job where expires_at < now()");
    }

    /** Submits {@code jobs} noop jobs labelled {@code run} in batches; jobs per second until all succeeded. */
    private static double round(TestCluster cluster, String run, int jobs) throws Exception {
        long begin = System.nanoTime();
        String[] nodes = {"node-a", "node-b", "node-c"};
        for (int b = 0; b * 1000 < jobs; b++) {
            StringBuilder batch = new StringBuilder("{\"jobs\": [");
            for (int i = 0; i < Math.min(1000, jobs - b * 1000); i++) {
                batch.append(i == 0 ? "" : ",").append("{\"job\": {\"name\": \"noop\", \"labels\": {\"run\": \"").append(run)
                        .append("\"}, \"steps\": [{\"name\": \"s\", \"kind\": \"noop\"}]}}");
            }
            int status = cluster.node(nodes[b % 3]).post("/api/v1/jobs/batch", batch.append("]}").toString()).statusCode();
            if (status != 200) {
                throw new IllegalStateException("batch refused: " + status);
            }
        }
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100)).until(() -> cluster.count(
                "select count(*) from job where labels->>'run' = ? and state = 'SUCCEEDED'", run) == jobs);
        return jobs / ((System.nanoTime() - begin) / 1e9);
    }
}
