package io.flowcluster.e2e.benchmark;

import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.BenchmarkReport;
import io.flowcluster.e2e.harness.TestCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos: 10,000 jobs while a random node is killed (kill -9) every 10 s and restarted, and
 * every third time it is the scheduler's node. Then, from the outside: jobs acknowledged but
 * lost, jobs not terminal, and step attempts that ran at the same time (from the attempt
 * records). All must be 0. Clients retry with an Idempotency-Key, as a real client would.
 */
class ChaosBenchmark {

    private static final int JOBS = Integer.getInteger("bench.jobs", 10_000);
    private static final Duration KILL_EVERY = Duration.ofSeconds(10);

    @Test
    void chaos(@TempDir Path dir) throws Exception {
        List<String> nodes = List.of("node-a", "node-b", "node-c");
        Map<String, String> settings = Map.of("FLOW_WORKER_TASK_POOL_SIZE", "8", "QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "16");
        try (TestCluster cluster = TestCluster.start(dir, settings, nodes.toArray(String[]::new))) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger kills = new AtomicInteger();
            AtomicInteger schedulerKills = new AtomicInteger();
            Thread chaos = new Thread(() -> {
                Random random = new Random(11);
                while (running.get()) {
                    try {
                        Thread.sleep(KILL_EVERY.toMillis());
                        if (!running.get()) {
                            return;
                        }
                        boolean scheduler = kills.incrementAndGet() % 3 == 0;
                        String victim = scheduler ? cluster.scheduler() : nodes.get(random.nextInt(nodes.size()));
                        if (victim == null) {
                            continue;
                        }
                        if (scheduler) {
                            schedulerKills.incrementAndGet();
                        }
                        System.out.printf("chaos: kill -9 %s%s%n", victim, scheduler ? " (the scheduler)" : "");
                        cluster.node(victim).killHard();
                        cluster.join(victim);
                    } catch (Exception e) {
                        System.out.println("chaos: " + e);
                    }
                }
            }, "chaos");
            long started = System.nanoTime();
            chaos.start();

            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<String>> acknowledged = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                int n = i;
                acknowledged.add(clients.submit(() -> submitWithRetry(cluster, n)));
            }
            List<String> jobs = new ArrayList<>();
            for (Future<String> f : acknowledged) {
                jobs.add(f.get());
            }
            clients.shutdown();
            System.out.printf("chaos: %d jobs acknowledged after %.0f s%n", jobs.size(), (System.nanoTime() - started) / 1e9);
            await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(2)).until(() ->
                    cluster.count("select count(*) from job where state in ('PENDING', 'RUNNING')") == 0);
            running.set(false);
            chaos.join();
            double seconds = (System.nanoTime() - started) / 1e9;

            long lost = cluster.count("select count(*) from unnest(?::uuid[]) as a(id) where not exists (select 1 from job j where j.id = a.id)",
                    (Object) jobs.toArray(String[]::new));
            long notTerminal = cluster.count("select count(*) from job where state not in ('SUCCEEDED', 'FAILED', 'ABORTED')");
            long failed = cluster.count("select count(*) from job where state <> 'SUCCEEDED'");
            long overlapping = cluster.overlappingAttempts();
            long retried = cluster.count("select count(*) from step_attempt where outcome = 'LOST'");
            BenchmarkReport.table("Chaos: " + JOBS + " jobs, kill -9 every " + KILL_EVERY.toSeconds() + " s (every third the scheduler)",
                    List.of("jobs", "seconds", "kills", "scheduler kills", "attempts lost and retried", "jobs lost",
                            "not terminal", "not succeeded", "steps run twice at once"),
                    List.of(List.of(jobs.size(), seconds, kills.get(), schedulerKills.get(), retried, lost, notTerminal, failed,
                            overlapping)));
        }
    }

    /** Submits job n, retrying on another node when one dies under the request; the key makes it safe. */
    private static String submitWithRetry(TestCluster cluster, int n) throws InterruptedException {
        String body = "{\"name\": \"chaos-" + n + "\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}, "
                + (n % 10 == 0 ? "{\"name\": \"b\", \"shell\": \"sleep 1\", \"dependsOn\": [\"a\"]}" : "{\"name\": \"b\", \"kind\": \"noop\", \"dependsOn\": [\"a\"]}")
                + "]}";
        for (int attempt = 0; ; attempt++) {
            try {
                HttpResponse<String> r = cluster.anyLive().post("/api/v1/jobs", body, "chaos-" + n);
                if (r.statusCode() == 201 || r.statusCode() == 200) {
                    return TestCluster.JSON.readTree(r.body()).get("id").asText();
                }
            } catch (Exception e) {
                // the node died under the request: try another
            }
            Thread.sleep(Math.min(1000, 50L << Math.min(attempt, 4)));
        }
    }
}
