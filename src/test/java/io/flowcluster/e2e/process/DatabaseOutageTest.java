package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.RestartableDatabase;
import io.flowcluster.e2e.harness.ServerProcess;
import io.flowcluster.e2e.harness.TestCluster;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away for longer than the node timeout and comes back on the same port:
 * the nodes stay up, the API answers 503 meanwhile and changes nothing, the steps that were
 * running are stopped (their node lost contact) and run again, and every job finishes.
 */
class DatabaseOutageTest {

    @Test
    void nodesRideOutADatabaseOutageAndNothingIsLost(@TempDir Path dir) throws Exception {
        RestartableDatabase db = new RestartableDatabase(dir.resolve("pg"));
        Map<String, String> env = Map.of("QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl(),
                "QUARKUS_DATASOURCE_USERNAME", EmbeddedDatabase.USER, "FLOW_WORKER_TASK_POOL_SIZE", "4",
                "QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "1s");
        List<ServerProcess> nodes = new ArrayList<>();
        try {
            for (String id : List.of("node-a", "node-b")) {
                nodes.add(new ServerProcess(dir, id, env).launch());
            }
            for (ServerProcess n : nodes) {
                n.awaitReady();
            }
            ServerProcess api = nodes.get(0);
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> r = api.post("/api/v1/jobs", """
                        {"name": "through-the-outage-%d", "steps": [{"name": "work", "shell": "sleep 4"},
                          {"name": "after", "kind": "noop", "dependsOn": ["work"]}]}""".formatted(i));
                assertThat(r.statusCode()).isEqualTo(201);
                jobs.add(TestCluster.JSON.readTree(r.body()).get("id").asText());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> jobs.stream().allMatch(id -> state(api, id).equals("RUNNING")));

            db.stop();
            Thread.sleep(6000); // well past the node timeout (2 s)
            HttpResponse<String> during = api.get("/api/v1/jobs/" + jobs.get(0));
            assertThat(during.statusCode()).isEqualTo(503);
            assertThat(during.body()).contains("database-unavailable");
            assertThat(api.post("/api/v1/jobs", "{\"name\": \"lost?\", \"steps\": [{\"name\": \"s\", \"kind\": \"noop\"}]}")
                    .statusCode()).isEqualTo(503);
            assertThat(nodes).allMatch(ServerProcess::isAlive);

            db.start();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> jobs.stream().allMatch(id -> state(api, id).equals("SUCCEEDED")));
            TestCluster.JSON.readTree(api.get("/api/v1/jobs").body()).get("items").forEach(job ->
                    assertThat(job.get("name").asText()).as("the job refused with 503 was not stored").isNotEqualTo("lost?"));
            for (String id : jobs) {
                assertThat(TestCluster.JSON.readTree(api.get("/api/v1/jobs/" + id).body()).at("/steps/0/attempt").asInt())
                        .as("the step stopped by the outage ran again").isGreaterThanOrEqualTo(2);
            }
        } finally {
            for (ServerProcess n : nodes) {
                n.killHard();
            }
            db.close();
        }
    }

    private static String state(ServerProcess node, String id) {
        try {
            HttpResponse<String> r = node.get("/api/v1/jobs/" + id);
            return r.statusCode() == 200 ? TestCluster.JSON.readTree(r.body()).get("state").asText() : "";
        } catch (Exception e) {
            return "";
        }
    }
}
