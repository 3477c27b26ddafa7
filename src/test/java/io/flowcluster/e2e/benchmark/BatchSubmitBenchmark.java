package io.flowcluster.e2e.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How fast jobs are accepted when a client submits in bulk: the same number of noop jobs
 * through single submits (closed loop, many clients) and through POST /api/v1/jobs/batch,
 * on 3 nodes, each job with its own idempotency key; also until all of them ran.
 */
class BatchSubmitBenchmark {

    private static final int JOBS = Integer.getInteger("bench.jobs", 10_000);
    private static final int BATCH = 1000;
    private static final int CLIENTS = 16;
    private static final List<String> NODES = List.of("node-a", "node-b", "node-c");

    @Test
    void singleSubmitsAgainstBatches(@TempDir Path dir) throws Exception {
        Map<String, String> settings = Map.of("FLOW_WORKER_TASK_POOL_SIZE", "8", "QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "16",
                "FLOW_API_MAX_BODY_BYTES", Integer.toString(4 << 20));
        try (TestCluster cluster = TestCluster.start(dir, settings, NODES.toArray(String[]::new))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            run(cluster, http, "warm-up", 1000, 1, false);
            run(cluster, http, "warm-up-batch", 2000, BATCH, false);
            List<List<Object>> rows = new ArrayList<>();
            rows.add(run(cluster, http, "single", JOBS, 1, true));
            rows.add(run(cluster, http, "batch", JOBS, BATCH, true));
            BenchmarkReport.table("Submitting " + JOBS + " noop jobs to 3 nodes, " + CLIENTS + " clients",
                    List.of("how", "jobs per request", "accepted jobs/s", "all succeeded after (s)"), rows);
        }
    }

    /** Submits {@code jobs} jobs labelled {@code run}, {@code perRequest} per request, from {@link #CLIENTS} clients. */
    private static List<Object> run(TestCluster cluster, HttpClient http, String run, int jobs, int perRequest, boolean report)
            throws Exception {
        int requests = jobs / perRequest;
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long begin = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            done.add(clients.submit(() -> {
                for (int r = next.getAndIncrement(); r < requests; r = next.getAndIncrement()) {
                    String node = cluster.node(NODES.get(r % NODES.size())).baseUrl();
                    HttpResponse<String> response = http.send(request(node, run, r, perRequest), HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double acceptSeconds = (System.nanoTime() - begin) / 1e9;
        clients.shutdown();
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500)).until(() -> cluster.count(
                "select count(*) from job where labels->>'run' = ? and state = 'SUCCEEDED'", run) == jobs);
        double allSeconds = (System.nanoTime() - begin) / 1e9;
        return report ? List.of(run, perRequest, Math.round(jobs / acceptSeconds), Math.round(allSeconds * 10) / 10.0) : List.of();
    }

    private static HttpRequest request(String node, String run, int r, int perRequest) {
        String job = "{\"name\": \"bulk\", \"labels\": {\"run\": \"" + run + "\"}, \"steps\": [{\"name\": \"s\", \"kind\": \"noop\"}]}";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node + (perRequest == 1 ? "/api/v1/jobs" : "/api/v1/jobs/batch")))
                .header("Authorization", "Bearer " + ServerProcess.TOKEN).header("Content-Type", "application/json");
        if (perRequest == 1) {
            return b.header("Idempotency-Key", run + "-" + r).POST(HttpRequest.BodyPublishers.ofString(job)).build();
        }
        StringBuilder body = new StringBuilder("{\"jobs\": [");
        for (int i = 0; i < perRequest; i++) {
            body.append(i == 0 ? "" : ",").append("{\"idempotencyKey\": \"").append(run).append('-').append(r).append('-').append(i)
                    .append("\", \"job\": ").append(job).append('}');
        }
        return b.POST(HttpRequest.BodyPublishers.ofString(body.append("]}").toString())).build();
    }
}
