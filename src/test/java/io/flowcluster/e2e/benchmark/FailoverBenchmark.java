package io.flowcluster.e2e.benchmark;

import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.BenchmarkReport;
import io.flowcluster.e2e.harness.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover timings on a 3-node cluster (real processes, default timings): kill -9 the
 * scheduler's node, time until a job submitted at that moment has started (dispatching
 * resumed); kill -9 a node running steps, time until those steps run again elsewhere.
 */
class FailoverBenchmark {

    private static final int SCHEDULER_KILLS = 20;
    private static final int NODE_KILLS = 10;

    @Test
    void failover(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, "node-a", "node-b", "node-c")) {
            List<Double> takeover = new ArrayList<>();
            for (int i = 0; i < SCHEDULER_KILLS; i++) {
                String scheduler = cluster.awaitScheduler(null, Duration.ofSeconds(30)).get("node").asText();
                cluster.node(scheduler).killHard();
                long killed = System.nanoTime();
                String probe = cluster.submit("{\"name\": \"probe\", \"steps\": [{\"name\": \"s\", \"kind\": \"noop\"}]}");
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                        .until(() -> cluster.count("select count(*) from step where job_id = ?::uuid and started_at is not null",
                                probe) > 0);
                takeover.add((System.nanoTime() - killed) / 1e9);
                System.out.printf("scheduler kill %d: dispatching resumed after %.2f s%n", i + 1, takeover.get(i));
                cluster.join(scheduler);
            }

            List<Double> retried = new ArrayList<>();
            for (int i = 0; i < NODE_KILLS; i++) {
                String scheduler = cluster.awaitScheduler(null, Duration.ofSeconds(30)).get("node").asText();
                List<String> jobs = new ArrayList<>();
                for (int j = 0; j < 6; j++) {
                    jobs.add(cluster.submit("{\"name\": \"long\", \"steps\": [{\"name\": \"s\", \"shell\": \"sleep 20\"}]}"));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> cluster.count(
                        "select count(*) from step where state = 'RUNNING' and node <> ?", scheduler) > 0);
                String victim = cluster.query("select node from step where state = 'RUNNING' and node <> ? limit 1", scheduler)
                        .get(0).get("node").toString();
                List<String> victimJobs = cluster.query(
                        "select job_id::text as j from step where state = 'RUNNING' and node = ?", victim).stream()
                        .map(r -> r.get("j").toString()).toList();
                cluster.node(victim).killHard();
                long killed = System.nanoTime();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> victimJobs.stream()
                        .allMatch(job -> cluster.count("""
                                select count(*) from step where job_id = ?::uuid and state = 'RUNNING' and attempt > 1""", job) == 1));
                retried.add((System.nanoTime() - killed) / 1e9);
                System.out.printf("node kill %d: %d steps running again after %.2f s%n", i + 1, victimJobs.size(), retried.get(i));
                for (String job : jobs) {
                    cluster.anyLive().post("/api/v1/jobs/" + job + "/abort", "");
                }
                cluster.join(victim);
            }

            List<Double> t = takeover.stream().sorted().toList();
            List<Double> r = retried.stream().sorted().toList();
            BenchmarkReport.table("Failover, 3 nodes, lease 2 s, node timeout 2 s (seconds)",
                    List.of("what", "runs", "p50", "p99", "max", "goal"),
                    List.of(List.of("kill -9 scheduler: dispatching resumes", t.size(), BenchmarkReport.percentile(t, 50),
                                    BenchmarkReport.percentile(t, 99), t.get(t.size() - 1), "p99 <= 3 s"),
                            List.of("kill -9 node: its steps run again", r.size(), BenchmarkReport.percentile(r, 50),
                                    BenchmarkReport.percentile(r, 99), r.get(r.size() - 1), "p99 <= 5 s")));
            Map<String, List<? extends Number>> series = new LinkedHashMap<>();
            series.put("scheduler killed: dispatching resumed", takeover);
            BenchmarkReport.lines("failover-scheduler", "kill -9 of the scheduler's node, " + SCHEDULER_KILLS + " runs",
                    "run", "seconds", IntStream.rangeClosed(1, takeover.size()).boxed().toList(), series);
            Map<String, List<? extends Number>> nodeSeries = new LinkedHashMap<>();
            nodeSeries.put("node killed: its steps running again", retried);
            BenchmarkReport.lines("failover-node", "kill -9 of a node running steps, " + NODE_KILLS + " runs",
                    "run", "seconds", IntStream.rangeClosed(1, retried.size()).boxed().toList(), nodeSeries);
        }
    }
}
