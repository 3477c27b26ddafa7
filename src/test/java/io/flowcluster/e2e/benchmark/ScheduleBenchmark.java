package io.flowcluster.e2e.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.e2e.harness.BenchmarkReport;
import io.flowcluster.e2e.harness.CpuMeter;
import io.flowcluster.e2e.harness.ServerProcess;
import io.flowcluster.e2e.harness.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many schedules firing every second, on 3 nodes and a durable PostgreSQL: how late ticks
 * become jobs (the job's transaction start minus its tick), how many of the due ticks fired
 * within the run, and what firing costs the scheduler's node (its {@code flow-schedules}
 * thread) and PostgreSQL. Each count runs on a fresh cluster; the jobs are noop jobs, which the
 * cluster runs meanwhile.
 */
class ScheduleBenchmark {

    private static final List<Integer> COUNTS = Arrays.stream(System.getProperty("bench.schedules", "1000,10000").split(","))
            .map(String::trim).map(Integer::valueOf).toList();
    private static final int SECONDS = Integer.getInteger("bench.seconds", 60);
    private static final String JOB = "{\"name\": \"tick\", \"steps\": [{\"name\": \"s\", \"kind\": \"noop\"}]}";

    @Test
    void schedulesEverySecond(@TempDir Path dir) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        Map<String, List<? extends Number>> series = new LinkedHashMap<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (int count : COUNTS) {
            Map<String, String> settings = Map.of("FLOW_WORKER_TASK_POOL_SIZE", "8", "QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "16");
            try (TestCluster cluster = TestCluster.startDurable(dir.resolve("s" + count), settings, "node-a", "node-b", "node-c")) {
                List<Object> row = round(cluster, count);
                rows.add(row);
                p50.add((Double) row.get(3));
                p99.add((Double) row.get(4));
            }
        }
        BenchmarkReport.table("Schedules firing every second for " + SECONDS + " s, 3 nodes, noop jobs",
                List.of("schedules", "ticks due", "ticks fired in the run", "lateness p50 ms", "lateness p99 ms", "lateness max ms",
                        "firing thread CPU ms per tick", "scheduler node CPU %", "PostgreSQL CPU %", "jobs finished in the run"), rows);
        series.put("lateness p50", p50);
        series.put("lateness p99", p99);
        BenchmarkReport.lines("schedules", "How late ticks fire, schedules every second (3 nodes)", "schedules", "ms", COUNTS, series);
    }

    private static List<Object> round(TestCluster cluster, int count) throws Exception {
        String prefix = "bench-" + count + "-";
        create(cluster, prefix, count);
        String scheduler = cluster.awaitScheduler(null, Duration.ofSeconds(20)).get("node").asText();
        ProcessHandle schedulerNode = cluster.node(scheduler).handle();
        ProcessHandle postgres = cluster.databaseServer();
        Supplier<Optional<Duration>> firing = () -> CpuMeter.threads(schedulerNode, "flow-schedules");
        Optional<Duration> firingBefore = firing.get();
        Optional<Duration> nodeBefore = CpuMeter.own(schedulerNode);
        Optional<Duration> databaseBefore = CpuMeter.withDescendants(postgres);
        long finishedBefore = cluster.count("select count(*) from job where state = 'SUCCEEDED'");
        // every schedule starts at the same whole second, two from now
        Instant firstTick = ((Timestamp) cluster.query("""
                update schedule set paused = false, anchor = now(), next_tick = date_trunc('second', now()) + interval '2 seconds'
                where name like ? returning next_tick""", prefix + "%").get(0).get("next_tick")).toInstant();
        long start = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(SECONDS + 2).toMillis());
        Instant pausedAt = ((Timestamp) cluster.query(
                "update schedule set paused = true where name like ? returning now() as at", prefix + "%").get(0).get("at")).toInstant();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Optional<Duration> firingCpu = firing.get().flatMap(a -> firingBefore.map(a::minus));
        Optional<Duration> nodeCpu = CpuMeter.own(schedulerNode).flatMap(a -> nodeBefore.map(a::minus));
        Optional<Duration> databaseCpu = CpuMeter.withDescendants(postgres).flatMap(a -> databaseBefore.map(a::minus));
        long finished = cluster.count("select count(*) from job where state = 'SUCCEEDED'") - finishedBefore;
        Thread.sleep(2000); // a batch in flight commits

        List<Double> lateness = cluster.query("""
                        select extract(epoch from submitted_at - schedule_tick) * 1000 as ms from job
                        where schedule_name like ? order by 1""", prefix + "%").stream()
                .map(r -> ((Number) r.get("ms")).doubleValue()).toList();
        long due = (long) count * (Duration.between(firstTick, pausedAt).toSeconds() + 1);
        long fired = lateness.size();
        assertThat(cluster.count("""
                select count(*) from (select 1 from job where schedule_name like ? group by schedule_name, schedule_tick
                having count(*) > 1) twice""", prefix + "%")).as("no tick made two jobs").isZero();
        System.out.printf("%d schedules: %d of %d due ticks fired in %.0f s%n", count, fired, due, elapsed);
        return List.of(count, due, fired, BenchmarkReport.percentile(lateness, 50), BenchmarkReport.percentile(lateness, 99),
                lateness.isEmpty() ? Double.NaN : lateness.get(lateness.size() - 1),
                firingCpu.<Object>map(c -> c.toNanos() / 1e6 / Math.max(1, fired)).orElse("n/a"),
                nodeCpu.<Object>map(c -> 100.0 * c.toNanos() / 1e9 / elapsed).orElse("n/a"),
                databaseCpu.<Object>map(c -> 100.0 * c.toNanos() / 1e9 / elapsed).orElse("n/a"), finished);
    }

    /** The schedules, paused, through the API of all three nodes at once. */
    private static void create(TestCluster cluster, String prefix, int count) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(16)).build();
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        String[] nodes = {"node-a", "node-b", "node-c"};
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            String url = cluster.node(nodes[i % 3]).baseUrl() + "/api/v1/schedules/" + prefix + i;
            answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + ServerProcess.TOKEN)
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"cron\": \"* * * * * *\", \"paused\": true, \"job\": " + JOB + "}"))
                            .build(), HttpResponse.BodyHandlers.discarding())
                    .thenApply(HttpResponse::statusCode).whenComplete((s, e) -> inFlight.release()));
        }
        for (CompletableFuture<Integer> answer : answers) {
            assertThat(answer.get()).isEqualTo(201);
        }
    }
}
