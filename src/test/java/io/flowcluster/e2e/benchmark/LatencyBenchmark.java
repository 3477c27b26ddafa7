package io.flowcluster.e2e.benchmark;

import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.BenchmarkReport;
import io.flowcluster.e2e.harness.ServerProcess;
import io.flowcluster.e2e.harness.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submit latency at fixed offered rates (open loop: each request is timed from when it was
 * due, so a slow server cannot hide its queueing), spread over the 3 nodes, and the latency
 * from submission to the job's first step starting, read from the attempt records.
 */
class LatencyBenchmark {

    private static final List<Integer> RATES = List.of(100, 500, 1000);
    /**
     * Unreported first rounds (70 s at 5 s a round) warm the nodes and this client up: on two
     * cores shared by three nodes, PostgreSQL and this client, the JIT still compiles the
     * request path a minute after the start, which measures the JIT, not a server that runs
     * for days.
     */
    private static final List<Integer> WARM_UP_RATES = Stream.of(Collections.nCopies(8, 100), Collections.nCopies(4, 200),
            Collections.nCopies(2, 300)).flatMap(List::stream).toList();
    private static final int SECONDS = Integer.getInteger("bench.seconds", 5);

    @Test
    void latencyAtOfferedRates(@TempDir Path dir) throws Exception {
        List<String> nodes = List.of("node-a", "node-b", "node-c");
        Map<String, String> settings = Map.of("FLOW_WORKER_TASK_POOL_SIZE", "8", "QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "16");
        try (TestCluster cluster = TestCluster.startDurable(dir, settings, nodes.toArray(String[]::new))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(32)).build();
            List<List<Object>> rows = new ArrayList<>();
            Map<String, List<? extends Number>> p99 = new LinkedHashMap<>();
            List<Double> submitP50 = new ArrayList<>();
            List<Double> submitP99 = new ArrayList<>();
            List<Double> startP50 = new ArrayList<>();
            List<Double> startP99 = new ArrayList<>();
            List<Integer> rounds = new ArrayList<>(WARM_UP_RATES);
            rounds.addAll(RATES);
            for (int round = 0; round < rounds.size(); round++) {
                int rate = rounds.get(round);
                String label = Integer.toString(round); // a round's jobs are told apart by this label
                List<Double> submit = Collections.synchronizedList(new ArrayList<>());
                List<CompletableFuture<?>> inFlight = Collections.synchronizedList(new ArrayList<>());
                ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
                long periodNanos = 1_000_000_000L / rate;
                int total = rate * SECONDS;
                long begin = System.nanoTime();
                for (int i = 0; i < total; i++) {
                    long due = begin + i * periodNanos;
                    String url = cluster.node(nodes.get(i % nodes.size())).baseUrl() + "/api/v1/jobs";
                    clock.schedule(() -> inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create(url))
                                    .header("Authorization", "Bearer " + ServerProcess.TOKEN).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"latency\", \"labels\": {\"round\": \""
                                            + label + "\"}, \"steps\": [{\"name\": \"s\", \"kind\": \"noop\"}]}")).build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .thenAccept(r -> submit.add((System.nanoTime() - due) / 1e6))),
                            due - System.nanoTime(), TimeUnit.NANOSECONDS);
                }
                clock.shutdown();
                clock.awaitTermination(SECONDS + 30, TimeUnit.SECONDS);
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> cluster.count(
                        "select count(*) from job where labels->>'round' = ? and state = 'SUCCEEDED'", label) == total);
                List<Double> start = cluster.query("""
                                select extract(epoch from (a.started_at - j.submitted_at)) * 1000 as ms
                                from job j join step_attempt a on a.job_id = j.id where j.labels->>'round' = ?""",
                        label).stream().map(r -> ((Number) r.get("ms")).doubleValue()).sorted().toList();
                if (round < WARM_UP_RATES.size()) {
                    continue;
                }
                List<Double> sorted = submit.stream().sorted().toList();
                submitP50.add(BenchmarkReport.percentile(sorted, 50));
                submitP99.add(BenchmarkReport.percentile(sorted, 99));
                startP50.add(BenchmarkReport.percentile(start, 50));
                startP99.add(BenchmarkReport.percentile(start, 99));
                rows.add(List.of(rate, total, submitP50.get(submitP50.size() - 1), BenchmarkReport.percentile(sorted, 95),
                        submitP99.get(submitP99.size() - 1), startP50.get(startP50.size() - 1),
                        BenchmarkReport.percentile(start, 95), startP99.get(startP99.size() - 1)));
            }
            BenchmarkReport.table("Latency at offered rates, 3 nodes, noop jobs, " + SECONDS + " s per rate (milliseconds)",
                    List.of("jobs/s", "jobs", "submit p50", "submit p95", "submit p99", "submit-to-start p50",
                            "submit-to-start p95", "submit-to-start p99"), rows);
            p99.put("submit p50", submitP50);
            p99.put("submit p99", submitP99);
            p99.put("submit-to-start p50", startP50);
            p99.put("submit-to-start p99", startP99);
            BenchmarkReport.lines("latency", "Latency at offered rates (3 nodes)", "offered jobs/s", "ms", RATES, p99);
        }
    }
}
