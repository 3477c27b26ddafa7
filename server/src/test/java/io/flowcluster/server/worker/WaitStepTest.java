package io.flowcluster.server.worker;

import static io.flowcluster.server.FlowApi.api;
import static io.flowcluster.server.FlowApi.awaitState;
import static io.flowcluster.server.FlowApi.job;
import static io.flowcluster.server.FlowApi.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.flowcluster.server.config.FlowConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Messages are processed by the job's owner, and a {@code wait} step resumes on its message. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class WaitStepTest {

    @Inject
    FlowConfig config;

    @Test
    void aWaitStepSucceedsWhenItsMessageArrivesAndTheOwnerProcessedIt() {
        UUID id = submit("""
                {"name": "gated", "steps": [
                  {"name": "approval", "kind": "wait", "message": "approve"},
                  {"name": "deploy", "kind": "noop", "dependsOn": ["approval"]}]}""");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(step(job(id), "approval")));
        sendMessage(id, "something-else");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> "RUNNING".equals(step(job(id), "approval")));

        sendMessage(id, "approve");

        awaitState(id, "SUCCEEDED");
        JsonPath messages = api().get("/api/v1/jobs/" + id + "/messages").then().statusCode(200).extract().jsonPath();
        assertThat(messages.getList("processedBy")).containsOnly("test-node");
        String log = api().get("/api/v1/jobs/" + id + "/log").then().statusCode(200).extract().asString();
        assertThat(log).contains("[waiting for message 'approve']").contains("[message 'approve' arrived: {\"by\": \"alice\"}]");
    }

    @Test
    void aMessageThatArrivedBeforeTheWaitStartedIsNotMissed() {
        UUID id = submit("""
                {"name": "early", "steps": [
                  {"name": "build", "shell": "sleep 1"},
                  {"name": "approval", "kind": "wait", "message": "approve", "dependsOn": ["build"]}]}""");
        sendMessage(id, "approve");
        awaitState(id, "SUCCEEDED");
    }

    @Test
    void aWaitStepTimesOutLikeACommand() {
        UUID id = submit("""
                {"name": "nobody-approves", "steps": [{"name": "approval", "kind": "wait", "message": "approve", "timeout": "500ms"}]}""");
        JsonPath job = awaitState(id, "FAILED");
        assertThat(job.getString("steps[0].message")).contains("timed out");
    }

    @Test
    void abortingAWaitingJobEndsItsWait() {
        UUID id = submit("""
                {"name": "abandoned", "steps": [{"name": "approval", "kind": "wait", "message": "approve"}]}""");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(step(job(id), "approval")));
        api().post("/api/v1/jobs/" + id + "/abort").then().statusCode(200);
        awaitState(id, "ABORTED");
    }

    @Test
    void waitingStepsHoldNoSlotOfTheTaskPool() {
        List<UUID> gates = new ArrayList<>();
        for (int i = 0; i <= config.worker().taskPoolSize(); i++) {
            gates.add(submit("""
                    {"name": "gate", "steps": [{"name": "approval", "kind": "wait", "message": "go"}]}"""));
        }
        UUID work = submit("{\"name\": \"meanwhile\", \"steps\": [{\"name\": \"s\", \"shell\": \"true\"}]}");
        awaitState(work, "SUCCEEDED");
        gates.forEach(id -> sendMessage(id, "go"));
        gates.forEach(id -> awaitState(id, "SUCCEEDED"));
    }

    private static void sendMessage(UUID id, String name) {
        api().contentType(ContentType.JSON).body("{\"name\": \"" + name + "\", \"payload\": {\"by\": \"alice\"}}")
                .post("/api/v1/jobs/" + id + "/messages").then().statusCode(202);
    }

    private static String step(JsonPath job, String name) {
        return job.getString("steps.find { it.name == '" + name + "' }.state");
    }
}
