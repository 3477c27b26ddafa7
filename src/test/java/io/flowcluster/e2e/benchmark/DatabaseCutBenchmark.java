package io.flowcluster.e2e.benchmark;

import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.BenchmarkReport;
import io.flowcluster.e2e.harness.RestartableDatabase;
import io.flowcluster.e2e.harness.ServerProcess;
import io.flowcluster.e2e.harness.TestCluster;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * The database cut for 30 s while 3 nodes run jobs and clients keep submitting (retrying with
 * an Idempotency-Key): count the 503s answered meanwhile, whether every node stayed up, and
 * afterwards acknowledged jobs lost, jobs not terminal, and step attempts that overlapped.
 */
class DatabaseCutBenchmark {

    private static final int JOBS = 600;
    private static final Duration CUT = Duration.ofSeconds(Integer.getInteger("bench.cut-seconds", 30));

    @Test
    void databaseCut(@TempDir Path dir) throws Exception {
        RestartableDatabase db = new RestartableDatabase(dir.resolve("pg"));
        String url = db.jdbcUrl();
        Map<String, String> env = Map.of("QUARKUS_DATASOURCE_JDBC_URL", url, "QUARKUS_DATASOURCE_USERNAME", EmbeddedDatabase.USER,
                "FLOW_WORKER_TASK_POOL_SIZE", "8", "QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "1s");
        List<ServerProcess> nodes = new ArrayList<>();
        try {
            for (String id : List.of("node-a", "node-b", "node-c")) {
                nodes.add(new ServerProcess(dir, id, env).launch());
            }
            for (ServerProcess n : nodes) {
                n.awaitReady();
            }
            AtomicInteger unavailable = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(64);
            List<Future<String>> acknowledged = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < JOBS; i++) {
                int n = i;
                acknowledged.add(clients.submit(() -> {
                    // due at 20 jobs/s from the start: before, during and after the cut
                    long wait = start + n * 50_000_000L - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000);
                    }
                    String body = "{\"name\": \"cut-" + n + "\", \"steps\": [{\"name\": \"a\", \"shell\": \"sleep 0.5\"},"
                            + " {\"name\": \"b\", \"kind\": \"noop\", \"dependsOn\": [\"a\"]}]}";
                    for (int attempt = 0; ; attempt++) {
                        ServerProcess node = nodes.get((n + attempt) % nodes.size());
                        try {
                            HttpResponse<String> r = node.post("/api/v1/jobs", body, "cut-" + n);
                            if (r.statusCode() == 201 || r.statusCode() == 200) {
                                return TestCluster.JSON.readTree(r.body()).get("id").asText();
                            }
                            if (r.statusCode() == 503) {
                                unavailable.incrementAndGet();
                            }
                        } catch (Exception e) {
                            // retry
                        }
                        Thread.sleep(500);
                    }
                }));
            }
            Thread.sleep(10_000);
            System.out.println("cut: stopping the database for " + CUT.toSeconds() + " s");
            db.stop();
            Thread.sleep(CUT.toMillis());
            boolean allUp = nodes.stream().allMatch(ServerProcess::isAlive);
            db.start();
            System.out.println("cut: the database is back");
            List<String> jobs = new ArrayList<>();
            for (Future<String> f : acknowledged) {
                jobs.add(f.get());
            }
            clients.shutdown();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    count(url, "select count(*) from job where state in ('PENDING', 'RUNNING')") == 0);
            double seconds = (System.nanoTime() - start) / 1e9;
            long lost = 0;
            for (String id : jobs) {
                lost += count(url, "select 1 - count(*) from job where id = '" + id + "'::uuid");
            }
            long notSucceeded = count(url, "select count(*) from job where state <> 'SUCCEEDED'");
            long retried = count(url, "select count(*) from step_attempt where outcome = 'LOST'");
            long overlapping = count(url, """
                    select count(*) from step_attempt a join step_attempt b
                      on a.job_id = b.job_id and a.idx = b.idx and a.attempt < b.attempt
                    where a.finished_at is null or a.finished_at > b.started_at""");
            BenchmarkReport.table("Database cut for " + CUT.toSeconds() + " s, 3 nodes, " + JOBS + " jobs at 20/s",
                    List.of("jobs", "seconds", "nodes up through the cut", "503 answers", "attempts lost and retried",
                            "jobs lost", "not succeeded", "steps run twice at once"),
                    List.of(List.of(jobs.size(), seconds, allUp, unavailable.get(), retried, lost, notSucceeded, overlapping)));
        } finally {
            for (ServerProcess n : nodes) {
                n.killHard();
            }
            db.close();
        }
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, EmbeddedDatabase.USER, "");
             PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
