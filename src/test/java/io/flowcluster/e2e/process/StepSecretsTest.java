package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcluster.e2e.harness.ServerProcess;
import io.flowcluster.e2e.harness.TestCluster;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 9's last clause where it is hardest: as in a pod, the server runs as an ordinary
 * user and its steps run as that same user, without a PID namespace. The API token and the
 * database settings are in the server's environment; a step looks for them in every
 * process's {@code /proc/PID/environ} and finds none.
 */
class StepSecretsTest {

    private static final int NOBODY = 65534;
    private static final String SECRET_TOKEN = "e2e-secret-token-7f3a";

    @Test
    void aStepOfTheSameUserCannotReadTheServersEnvironment(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "running the server as another user needs root");
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (EmbeddedDatabase db = EmbeddedDatabase.startTemporary();
             ServerProcess server = new ServerProcess(shared, "node-a", Map.of(
                     "QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl(),
                     "QUARKUS_DATASOURCE_USERNAME", EmbeddedDatabase.USER,
                     "FLOW_API_TOKEN", SECRET_TOKEN,
                     "FLOW_WORKER_ISOLATION", "session")).asUser(NOBODY).start()) {
            HttpResponse<String> submitted = server.post("/api/v1/jobs", """
                    {"name": "snoop", "steps": [{"name": "s", "shell": "id -u; tr '\\\\0' '\\\\n' < /proc/$$/environ | grep -c FLOW_JOB_ID; for f in /proc/[0-9]*/environ; do tr '\\\\0' '\\\\n' < $f 2>/dev/null; done | grep -e FLOW_API_TOKEN -e QUARKUS_DATASOURCE; echo looked"}]}""");
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
            String id = TestCluster.JSON.readTree(submitted.body()).get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> state(server, id).equals("SUCCEEDED"));
            String log = server.get("/api/v1/jobs/" + id + "/log").body();
            assertThat(log).as("the step ran as the server's user and could read its own environment")
                    .contains("stdout | " + NOBODY, "stdout | 1", "stdout | looked");
            assertThat(log).doesNotContain(SECRET_TOKEN).doesNotContain("FLOW_API_TOKEN").doesNotContain("QUARKUS_DATASOURCE");
        }
    }

    private static String state(ServerProcess server, String id) throws Exception {
        JsonNode job = TestCluster.JSON.readTree(server.get("/api/v1/jobs/" + id).body());
        return job.get("state").asText();
    }
}
