package io.flowcluster.e2e.benchmark;

import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.BenchmarkReport;
import io.flowcluster.e2e.harness.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One big job, LOCAL against DISTRIBUTED, on 1, 2 and 3 nodes: a fanout of items that wait
 * on something outside (each item's command sleeps 20 ms, like a call to another service),
 * and a fanout of noop items (pure bookkeeping: the database is the work). Prints the wall
 * time of the fanout step and the speed-up; plots it.
 */
class DistributionBenchmark {

    private static final int WAITING_ITEMS = 2400;
    private static final int NOOP_ITEMS = 200_000;

    @Test
    void distributedAgainstLocal(@TempDir Path dir) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        Map<String, List<? extends Number>> series = new LinkedHashMap<>();
        List<Double> waitingSpeedUp = new ArrayList<>();
        List<Double> noopSpeedUp = new ArrayList<>();
        List<String> categories = new ArrayList<>();
        for (int nodes = 1; nodes <= 3; nodes++) {
            String[] ids = Arrays.copyOf(new String[] {"node-a", "node-b", "node-c"}, nodes);
            try (TestCluster cluster = TestCluster.startDurable(dir.resolve("n" + nodes), Map.of(), ids)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> cluster.cluster().get("ring").get("members").size() == ids.length);
                String waiting = "\"shell\": \"sleep 0.02\", \"fanout\": {\"range\": {\"from\": 0, \"to\": " + WAITING_ITEMS + "}}";
                String noop = "\"fanout\": {\"range\": {\"from\": 0, \"to\": " + NOOP_ITEMS + "}}";
                double waitingLocal = run(cluster, "LOCAL", waiting);
                double waitingDistributed = run(cluster, "DISTRIBUTED", waiting);
                double noopLocal = run(cluster, "LOCAL", noop);
                double noopDistributed = run(cluster, "DISTRIBUTED", noop);
                rows.add(List.of(nodes, WAITING_ITEMS + " x sleep 20 ms", waitingLocal, waitingDistributed, waitingLocal / waitingDistributed));
                rows.add(List.of(nodes, NOOP_ITEMS + " x noop", noopLocal, noopDistributed, noopLocal / noopDistributed));
                waitingSpeedUp.add(waitingLocal / waitingDistributed);
                noopSpeedUp.add(noopLocal / noopDistributed);
                categories.add(nodes + (nodes == 1 ? " node" : " nodes"));
                System.out.printf("%d nodes: waiting items %.2f s LOCAL, %.2f s DISTRIBUTED; noop items %.2f s LOCAL, %.2f s DISTRIBUTED%n",
                        nodes, waitingLocal, waitingDistributed, noopLocal, noopDistributed);
            }
        }
        BenchmarkReport.table("One fanout job, LOCAL against DISTRIBUTED (seconds, task pool 8 per node, packets of 100)",
                List.of("nodes", "items", "LOCAL s", "DISTRIBUTED s", "speed-up"), rows);
        series.put("items that wait 20 ms", waitingSpeedUp);
        series.put("noop items", noopSpeedUp);
        BenchmarkReport.bars("distribution", "Speed-up of one fanout job, DISTRIBUTED over LOCAL", "x", categories, series);
    }

    /** Seconds from the fanout step's start to its end, read from the job's view. */
    private static double run(TestCluster cluster, String mode, String fanout) {
        String job = cluster.submit("{\"name\": \"big\", \"distribution\": \"" + mode + "\", \"steps\": [{\"name\": \"each\", "
                + "\"kind\": \"fanout\", " + fanout + "}]}");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> "SUCCEEDED".equals(cluster.job(job).get("state").asText()));
        return ((Number) cluster.query("""
                select extract(epoch from finished_at - started_at) as s from step where job_id = ?::uuid and idx = 0""", job)
                .get(0).get("s")).doubleValue();
    }
}
