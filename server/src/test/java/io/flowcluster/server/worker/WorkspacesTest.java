package io.flowcluster.server.worker;

import static io.flowcluster.server.FlowApi.api;
import static io.flowcluster.server.FlowApi.awaitState;
import static io.flowcluster.server.FlowApi.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A job's workspace on a node lives as long as the job: nothing is left behind by a job, a failover or a crash. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class WorkspacesTest {

    @Inject
    Workspaces workspaces;

    @Test
    void aJobsWorkspaceGoesWhenItEnds() {
        UUID id = submit("""
                {"name": "scratch", "steps": [
                  {"name": "write", "shell": "echo data > scratch.txt"},
                  {"name": "read", "shell": "cat scratch.txt", "dependsOn": ["write"]}]}""");
        awaitState(id, "SUCCEEDED");
        assertThat(api().get("/api/v1/jobs/" + id + "/log").then().extract().asString()).contains("data");
        assertThat(workspaces.of(id)).doesNotExist();
    }

    /** What another node's failover or this node's crash left: swept once its job has ended or is gone, and only then. */
    @Test
    void leftoversOfEndedOrUnknownJobsAreSweptAndThoseOfRunningJobsKept() throws Exception {
        UUID waiting = submit("""
                {"name": "waits", "steps": [{"name": "gate", "kind": "wait", "message": "go"}]}""");
        awaitState(waiting, "RUNNING");
        Path running = Files.createDirectories(workspaces.of(waiting));
        Files.writeString(running.resolve("keep.txt"), "still needed");
        Path unknown = Files.createDirectories(workspaces.of(UUID.randomUUID()));
        Files.writeString(unknown.resolve("old.txt"), "left by a crash");
        Path notAWorkspace = Files.createDirectories(workspaces.nodeDir().resolve("not-a-job"));

        assertThat(workspaces.sweep()).isGreaterThanOrEqualTo(1);
        assertThat(unknown).doesNotExist();
        assertThat(running.resolve("keep.txt")).exists();
        assertThat(notAWorkspace).exists();

        api().post("/api/v1/jobs/" + waiting + "/abort").then().statusCode(200);
        awaitState(waiting, "ABORTED");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            workspaces.sweep();
            return !Files.exists(running);
        });
    }
}
