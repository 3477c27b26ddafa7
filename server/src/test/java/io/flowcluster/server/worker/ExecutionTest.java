package io.flowcluster.server.worker;

import static io.flowcluster.server.FlowApi.api;
import static io.flowcluster.server.FlowApi.awaitState;
import static io.flowcluster.server.FlowApi.job;
import static io.flowcluster.server.FlowApi.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** Steps as they really run: DAG order, failures, retries, timeouts, aborts and their output. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class ExecutionTest {

    @Inject
    Jdbi jdbi;

    @Test
    void stepsStartOnlyAfterEverythingTheyDependOnSucceeded() {
        UUID id = submit("""
                {"name": "diamond", "steps": [
                  {"name": "a", "shell": "sleep 0.2"},
                  {"name": "b", "shell": "sleep 0.1", "dependsOn": ["a"]},
                  {"name": "c", "shell": "sleep 0.3", "dependsOn": ["a"]},
                  {"name": "d", "kind": "noop", "dependsOn": ["b", "c"]}]}""");
        JsonPath job = awaitState(id, "SUCCEEDED");
        Instant aEnd = instant(job, "a", "finishedAt");
        assertThat(instant(job, "b", "startedAt")).isAfterOrEqualTo(aEnd);
        assertThat(instant(job, "c", "startedAt")).isAfterOrEqualTo(aEnd);
        Instant bothEnded = latest(instant(job, "b", "finishedAt"), instant(job, "c", "finishedAt"));
        assertThat(instant(job, "d", "startedAt")).isAfterOrEqualTo(bothEnded);
    }

    @Test
    void aFailedStepFailsTheJobAndSkipsItsDependentsWhileOtherBranchesFinish() {
        UUID id = submit("""
                {"name": "broken", "steps": [
                  {"name": "compile", "shell": "echo cannot compile >&2; exit 3"},
                  {"name": "test", "kind": "noop", "dependsOn": ["compile"]},
                  {"name": "deploy", "kind": "noop", "dependsOn": ["test"]},
                  {"name": "lint", "shell": "sleep 0.3"}]}""");
        JsonPath job = awaitState(id, "FAILED", "SUCCEEDED");
        assertThat(job.getString("state")).isEqualTo("FAILED");
        assertThat(step(job, "compile")).containsEntry("state", "FAILED").containsEntry("exitCode", 3)
                .containsEntry("message", "exit code 3");
        assertThat(step(job, "test")).containsEntry("state", "SKIPPED").containsEntry("message", "skipped: step 'compile' failed");
        assertThat(step(job, "deploy")).containsEntry("state", "SKIPPED");
        assertThat(step(job, "lint")).containsEntry("state", "SUCCEEDED");
    }

    @Test
    void aFailingStepIsRetriedWithBackoffUntilItSucceeds() {
        UUID id = submit("""
                {"name": "flaky", "steps": [{"name": "s", "shell": "echo try $FLOW_ATTEMPT; [ $FLOW_ATTEMPT -ge 3 ]",
                  "retries": {"limit": 3, "backoff": "200ms", "multiplier": 2}}]}""");
        JsonPath job = awaitState(id, "SUCCEEDED", "FAILED");
        assertThat(job.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(step(job, "s")).containsEntry("attempt", 3);
        List<Map<String, Object>> attempts = attempts(id);
        assertThat(attempts).extracting(a -> a.get("outcome")).containsExactly("FAILED", "FAILED", "SUCCEEDED");
        // backoff: 200ms before attempt 2, 400ms before attempt 3
        assertThat(gapMillis(attempts, 1)).isGreaterThanOrEqualTo(200);
        assertThat(gapMillis(attempts, 2)).isGreaterThanOrEqualTo(400);
        assertThat(log(id)).contains("s#1 test-node stdout | try 1", "s#3 test-node stdout | try 3");
    }

    @Test
    void aStepThatKeepsFailingFailsAfterItsLastRetry() {
        UUID id = submit("""
                {"name": "hopeless", "steps": [{"name": "s", "command": ["false"], "retries": {"limit": 1, "backoff": "0s"}}]}""");
        JsonPath job = awaitState(id, "FAILED");
        assertThat(step(job, "s")).containsEntry("state", "FAILED").containsEntry("attempt", 2);
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() {
        UUID id = submit("""
                {"name": "stuck", "steps": [{"name": "s", "timeout": "1s",
                  "shell": "sleep 3111 & wait"}]}""");
        JsonPath job = awaitState(id, "FAILED");
        assertThat(step(job, "s")).containsEntry("message", "timed out after 1s");
        assertThat(attempts(id)).extracting(a -> a.get("outcome")).containsExactly("TIMED_OUT");
        assertProcessGone("sleep 3111");
        assertThat(log(id)).contains("[timed out after 1s: stopping the step]");
    }

    @Test
    void abortStopsRunningProcessesAndEndsEveryStep() {
        UUID id = submit("""
                {"name": "long", "steps": [
                  {"name": "work", "shell": "sleep 3112 & wait"},
                  {"name": "after", "kind": "noop", "dependsOn": ["work"]}]}""");
        await().atMost(Duration.ofSeconds(20)).until(() -> Processes.running("sleep 3112"));
        JsonPath aborted = api().post("/api/v1/jobs/" + id + "/abort").then().statusCode(200).extract().jsonPath();
        assertThat(aborted.getString("state")).isEqualTo("ABORTED");
        assertThat(aborted.getList("steps.state")).containsOnly("ABORTED");
        assertProcessGone("sleep 3112");
        assertThat(attempts(id)).extracting(a -> a.get("outcome")).containsExactly("ABORTED");
        assertThat(job(id).getString("state")).isEqualTo("ABORTED");
    }

    /** Lines keep their order within a stream; across stdout and stderr, arrival order is the best there is. */
    @Test
    void outputIsKeptInOrderWithItsStreamUpToTheLimit() {
        UUID id = submit("""
                {"name": "chatty", "steps": [
                  {"name": "talk", "shell": "echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three"},
                  {"name": "flood", "shell": "head -c 200000 /dev/zero | tr '\\\\0' x | fold -w 1000", "dependsOn": ["talk"]}]}""");
        awaitState(id, "SUCCEEDED");
        String text = log(id);
        assertThat(text).containsSubsequence("talk#1 test-node stdout | one", "talk#1 test-node stderr | two",
                "talk#1 test-node stdout | three", "flood#1");
        assertThat(text).contains("[output cut: 135 lines (135135 bytes) dropped; the log keeps the last 65536 bytes or 10000 lines of each attempt]");
        List<Map<String, Object>> lines = api().accept(ContentType.JSON).get("/api/v1/jobs/" + id + "/log")
                .then().statusCode(200).extract().jsonPath().getList("$");
        long floodBytes = lines.stream().filter(l -> l.get("step").equals("flood") && l.get("stream").equals("stdout"))
                .mapToLong(l -> l.get("line").toString().length() + 1).sum();
        assertThat(floodBytes).isLessThanOrEqualTo(65536).isGreaterThan(60000);
    }

    @Test
    void aCommandThatCannotStartFailsWithTheReason() {
        UUID id = submit("""
                {"name": "typo", "steps": [{"name": "s", "command": ["/no/such/program"]},
                  {"name": "w", "command": ["true"], "workingDir": "no/such/dir"}]}""");
        JsonPath job = awaitState(id, "FAILED");
        assertThat((String) step(job, "s").get("message")).startsWith("cannot start '/no/such/program'");
        assertThat(step(job, "w")).containsEntry("message", "working directory no/such/dir does not exist on this node");
    }

    @Test
    void aWorkingDirectoryIsCheckedOnItsRealPathSoALinkCannotLeadOut() {
        UUID id = submit("""
                {"name": "links", "steps": [
                  {"name": "prepare", "shell": "ln -s /etc out; mkdir inner"},
                  {"name": "escape", "shell": "touch pwned", "workingDir": "out", "dependsOn": ["prepare"]},
                  {"name": "inside", "shell": "pwd", "workingDir": "inner", "dependsOn": ["prepare"]}]}""");
        JsonPath job = awaitState(id, "FAILED");
        assertThat((String) step(job, "escape").get("message")).startsWith("working directory out leads out of the job's workspace");
        assertThat(step(job, "inside")).containsEntry("state", "SUCCEEDED");
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/etc/pwned"))).isFalse();
    }

    @Test
    void stepsOfAJobShareItsWorkspaceAndSeeItsParameters() {
        UUID id = submit("""
                {"name": "workspace", "parameters": {"greeting": "hi"}, "steps": [
                  {"name": "write", "shell": "echo $FLOW_PARAM_greeting > note.txt"},
                  {"name": "read", "command": ["cat", "note.txt"], "dependsOn": ["write"]}]}""");
        awaitState(id, "SUCCEEDED");
        assertThat(log(id)).contains("read#1 test-node stdout | hi");
    }

    @Test
    void messagesAreStoredForTheJob() {
        UUID id = submit("""
                {"name": "gate", "steps": [{"name": "s", "shell": "sleep 2"}]}""");
        api().contentType(ContentType.JSON).body("{\"name\": \"approve\", \"payload\": {\"by\": \"ann\"}}")
                .post("/api/v1/jobs/" + id + "/messages").then().statusCode(202);
        JsonPath messages = api().get("/api/v1/jobs/" + id + "/messages").then().statusCode(200).extract().jsonPath();
        assertThat(messages.getString("[0].name")).isEqualTo("approve");
        assertThat(messages.getString("[0].payload.by")).isEqualTo("ann");
        assertThat(messages.getString("[0].receivedBy")).isEqualTo("test-node");
        api().post("/api/v1/jobs/" + id + "/abort").then().statusCode(200);
    }

    private static void assertProcessGone(String commandLine) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !Processes.running(commandLine));
    }

    private static Map<String, Object> step(JsonPath job, String name) {
        return job.getMap("steps.find { it.name == '" + name + "' }");
    }

    private static Instant instant(JsonPath job, String step, String field) {
        return Instant.parse((String) step(job, step).get(field));
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private List<Map<String, Object>> attempts(UUID job) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select attempt, outcome, started_at, finished_at from step_attempt where job_id = :j order by attempt")
                .bind("j", job).mapToMap().list());
    }

    private static long gapMillis(List<Map<String, Object>> attempts, int next) {
        var ended = ((java.sql.Timestamp) attempts.get(next - 1).get("finished_at")).toInstant();
        var started = ((java.sql.Timestamp) attempts.get(next).get("started_at")).toInstant();
        return Duration.between(ended, started).toMillis();
    }

    private static String log(UUID id) {
        return api().get("/api/v1/jobs/" + id + "/log").then().statusCode(200).extract().asString();
    }
}
