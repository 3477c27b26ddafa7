package io.flowcluster.server.api;

import static io.flowcluster.server.FlowApi.api;
import static io.flowcluster.server.FlowApi.awaitState;
import static io.flowcluster.server.FlowApi.noopJob;
import static io.flowcluster.server.FlowApi.submit;
import static io.flowcluster.server.FlowApi.submitRaw;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class JobApiTest {

    @Inject
    Jdbi jdbi;

    @Test
    void submitAnswers201WithLocationAndTheJob() {
        Response r = submitRaw("""
                {"name": "hello", "priority": 7, "labels": {"team": "data"}, "parameters": {"who": "world"},
                 "steps": [{"name": "greet", "shell": "echo hello $FLOW_PARAM_who"},
                           {"name": "done", "kind": "noop", "dependsOn": ["greet"]}]}""");
        r.then().statusCode(201)
                .header("Location", containsString("/api/v1/jobs/" + r.jsonPath().getString("id")))
                .body("name", equalTo("hello"))
                .body("priority", equalTo(7))
                .body("labels.team", equalTo("data"))
                .body("steps[1].definition.dependsOn[0]", equalTo("greet"))
                .body("progress.total", equalTo(2));
        UUID id = UUID.fromString(r.jsonPath().getString("id"));
        JsonPath done = awaitState(id, "SUCCEEDED");
        assertThat(done.getString("owner")).isEqualTo("test-node");
        assertThat(done.getInt("progress.percent")).isEqualTo(100);
        assertThat(done.getString("retention")).as("the cluster's default").isEqualTo("30d");
        assertThat(Duration.between(Instant.parse(done.getString("finishedAt")), Instant.parse(done.getString("expiresAt"))))
                .isEqualTo(Duration.ofDays(30));
        api().get("/api/v1/jobs/" + id + "/log").then().statusCode(200)
                .body(containsString("greet#1 test-node stdout | hello world"));
    }

    @Test
    void aJobKeptForItsOwnRetentionSaysWhenItExpires() {
        UUID id = submit("""
                {"name": "short-lived", "retention": "90m", "steps": [{"name": "a", "kind": "noop"}]}""");
        JsonPath done = awaitState(id, "SUCCEEDED");
        assertThat(done.getString("retention")).isEqualTo("90m");
        assertThat(Duration.between(Instant.parse(done.getString("finishedAt")), Instant.parse(done.getString("expiresAt"))))
                .isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void aJobPastItsRetentionIsDeletedWithItsLog() {
        UUID id = submit("""
                {"name": "ephemeral", "retention": "1s", "steps": [{"name": "a", "shell": "echo hi"}]}""");
        awaitState(id, "SUCCEEDED");
        await().atMost(Duration.ofSeconds(15)).until(() -> api().get("/api/v1/jobs/" + id).statusCode() == 404);
        api().get("/api/v1/jobs/" + id + "/log").then().statusCode(404);
    }

    @Test
    void listsNewestFirstFilteredByLabelAndStateWithCursorPaging() {
        String run = UUID.randomUUID().toString();
        List<UUID> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(submit("{\"name\":\"p" + i + "\",\"labels\":{\"run\":\"" + run + "\"},\"steps\":[{\"name\":\"s\",\"kind\":\"noop\"}]}"));
        }
        submitted.forEach(id -> awaitState(id, "SUCCEEDED"));
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = api().queryParam("label", "run=" + run).queryParam("state", "SUCCEEDED").queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/jobs").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.id"));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        List<String> newestFirst = new ArrayList<>(submitted.stream().map(UUID::toString).toList());
        Collections.reverse(newestFirst);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
        api().queryParam("label", "run=" + run).queryParam("state", "FAILED").get("/api/v1/jobs")
                .then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void aBatchStoresEveryJobInOneGoAndARepeatedBatchReturnsTheSameJobs() {
        String tag = UUID.randomUUID().toString();
        StringBuilder body = new StringBuilder("{\"jobs\": [");
        for (int i = 0; i < 3; i++) {
            body.append(i == 0 ? "" : ",").append("{\"idempotencyKey\": \"").append(tag).append('-').append(i)
                    .append("\", \"job\": ").append(noopJob("batch-" + i, i)).append('}');
        }
        body.append("]}");
        JsonPath first = api().contentType(ContentType.JSON).body(body.toString()).post("/api/v1/jobs/batch")
                .then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("items.created", Boolean.class)).containsExactly(true, true, true);
        List<String> ids = first.getList("items.id");
        JsonPath again = api().contentType(ContentType.JSON).body(body.toString()).post("/api/v1/jobs/batch")
                .then().statusCode(200).extract().jsonPath();
        assertThat(again.getList("items.created", Boolean.class)).containsExactly(false, false, false);
        assertThat(again.getList("items.id")).isEqualTo(ids);
        ids.forEach(id -> awaitState(UUID.fromString(id), "SUCCEEDED"));
    }

    @Test
    void aBatchWithOneBadJobOrOneReusedKeyStoresNothing() {
        String tag = UUID.randomUUID().toString();
        String bad = "{\"jobs\": [{\"idempotencyKey\": \"" + tag + "-a\", \"job\": " + noopJob("fine", 0) + "},"
                + "{\"idempotencyKey\": \"" + tag + "-b\", \"job\": {\"name\": \"no-steps\", \"steps\": []}}]}";
        api().contentType(ContentType.JSON).body(bad).post("/api/v1/jobs/batch").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("errors[0].field", org.hamcrest.Matchers.startsWith("jobs[1].job."));
        assertThat(jobsWithKey(tag + "-a")).isZero();

        api().header("Idempotency-Key", tag + "-c").contentType(ContentType.JSON).body(noopJob("taken", 0)).post("/api/v1/jobs")
                .then().statusCode(201);
        String reused = "{\"jobs\": [{\"idempotencyKey\": \"" + tag + "-d\", \"job\": " + noopJob("fine", 0) + "},"
                + "{\"idempotencyKey\": \"" + tag + "-c\", \"job\": " + noopJob("other", 0) + "}]}";
        api().contentType(ContentType.JSON).body(reused).post("/api/v1/jobs/batch").then().statusCode(422)
                .contentType(Problem.MEDIA_TYPE).body("detail", org.hamcrest.Matchers.startsWith("jobs[1]: "));
        assertThat(jobsWithKey(tag + "-d")).isZero();

        api().contentType(ContentType.JSON).body("{\"jobs\": []}").post("/api/v1/jobs/batch").then().statusCode(400)
                .body("errors[0].field", equalTo("jobs"));
        StringBuilder tooMany = new StringBuilder("{\"jobs\": [");
        for (int i = 0; i <= JobResource.MAX_BATCH; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"job\": {\"name\": \"n\", \"steps\": [{\"name\": \"s\", \"kind\": \"noop\"}]}}");
        }
        api().contentType(ContentType.JSON).body(tooMany.append("]}").toString()).post("/api/v1/jobs/batch").then().statusCode(400)
                .body("detail", equalTo("jobs must hold 1 to 1000 jobs"));
    }

    @Test
    void jobsAreFoundByTextTheirNameContainsInAnyCase() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UUID nightly = submit(noopJob("Nightly-" + tag + "-build", 0));
        submit(noopJob("hourly-" + tag, 0));
        JsonPath page = api().queryParam("name", "NIGHTLY-" + tag).get("/api/v1/jobs").then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("items.id")).containsExactly(nightly.toString());
        assertThat(api().queryParam("name", tag).get("/api/v1/jobs").then().statusCode(200).extract().jsonPath()
                .getList("items")).hasSize(2);
        api().queryParam("name", "a\u0000b".translateEscapes()).get("/api/v1/jobs").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE);
        api().queryParam("name", "%_").get("/api/v1/jobs").then().statusCode(200).body("items", org.hamcrest.Matchers.empty());
    }

    @Test
    void everyAttemptOfAJobIsListedWithItsNodeAndOutcome() {
        UUID id = submit("""
                {"name": "flaky", "steps": [
                  {"name": "try", "shell": "exit 3", "retries": {"limit": 1, "backoff": "0s"}},
                  {"name": "never", "kind": "noop", "dependsOn": ["try"]}]}""");
        awaitState(id, "FAILED");
        JsonPath attempts = api().get("/api/v1/jobs/" + id + "/attempts").then().statusCode(200).extract().jsonPath();
        assertThat(attempts.getList("step")).containsExactly("try", "try");
        assertThat(attempts.getList("attempt", Integer.class)).containsExactly(1, 2);
        assertThat(attempts.getList("node")).containsOnly("test-node");
        assertThat(attempts.getList("outcome")).containsExactly("FAILED", "FAILED");
        assertThat(attempts.getList("exitCode", Integer.class)).containsExactly(3, 3);
        assertThat(attempts.getString("[0].startedAt")).isNotNull();
        api().get("/api/v1/jobs/" + UUID.randomUUID() + "/attempts").then().statusCode(404);
    }

    @Test
    void aRetriedSubmitWithTheSameIdempotencyKeyReturnsTheSameJob() {
        String key = UUID.randomUUID().toString();
        String body = noopJob("once", 0);
        Response first = api().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body).post("/api/v1/jobs");
        Response again = api().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body).post("/api/v1/jobs");
        first.then().statusCode(201);
        again.then().statusCode(200).header("Idempotent-Replayed", "true")
                .header("Location", endsWith(first.jsonPath().getString("id")));
        assertThat(again.jsonPath().getString("id")).isEqualTo(first.jsonPath().getString("id"));
        assertThat(jobsWithKey(key)).isEqualTo(1);
    }

    /** The 201 shows the job as its transaction stored it; a replay shows it as it is now. */
    @Test
    void aCreatedJobIsShownAsStoredAndAReplayAsItIsNow() {
        String key = UUID.randomUUID().toString();
        String body = """
                {"name": "as-stored", "labels": {"a": "1"}, "steps": [{"name": "first", "kind": "noop"},
                 {"name": "then", "kind": "noop", "dependsOn": ["first"]}]}""";
        JsonPath created = api().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body).post("/api/v1/jobs")
                .then().statusCode(201).extract().jsonPath();
        assertThat(created.getString("state")).isEqualTo("PENDING");
        assertThat(created.getList("steps.name")).containsExactly("first", "then");
        assertThat(created.getList("steps.state")).containsExactly("READY", "PENDING");
        assertThat(created.getList("steps.attempt")).containsExactly(0, 0);
        assertThat(created.getInt("progress.total")).isEqualTo(2);
        UUID id = UUID.fromString(created.getString("id"));
        JsonPath done = awaitState(id, "SUCCEEDED");
        assertThat(created.getString("submittedAt")).as("the database's clock, as stored").isEqualTo(done.getString("submittedAt"));
        assertThat(created.getMap("labels")).isEqualTo(done.getMap("labels"));
        assertThat(created.getList("steps.definition")).isEqualTo(done.getList("steps.definition"));
        api().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body).post("/api/v1/jobs")
                .then().statusCode(200).body("state", equalTo("SUCCEEDED")).body("steps[1].attempt", equalTo(1));
    }

    @Test
    void aReplayThatSpellsOutTheDefaultsIsTheSameRequest() {
        String key = UUID.randomUUID().toString();
        String implicit = "{\"name\": \"d\", \"labels\": {\"b\": \"2\", \"a\": \"1\"}, \"steps\": [{\"name\": \"s\", \"shell\": \"true\"}]}";
        String explicit = "{\"name\": \"d\", \"priority\": 0, \"labels\": {\"a\": \"1\", \"b\": \"2\"}, \"parameters\": {}, "
                + "\"distribution\": \"LOCAL\", \"steps\": [{\"name\": \"s\", \"kind\": \"command\", \"shell\": \"true\", "
                + "\"dependsOn\": [], \"env\": {}}]}";
        Response first = api().header("Idempotency-Key", key).contentType(ContentType.JSON).body(implicit).post("/api/v1/jobs");
        first.then().statusCode(201);
        api().header("Idempotency-Key", key).contentType(ContentType.JSON).body(explicit).post("/api/v1/jobs")
                .then().statusCode(200).body("id", org.hamcrest.Matchers.equalTo(first.jsonPath().getString("id")));
    }

    @Test
    void anIdempotencyKeyReusedWithAnotherBodyIsRejectedAndChangesNothing() {
        String key = UUID.randomUUID().toString();
        api().header("Idempotency-Key", key).contentType(ContentType.JSON).body(noopJob("a", 0)).post("/api/v1/jobs")
                .then().statusCode(201);
        api().header("Idempotency-Key", key).contentType(ContentType.JSON).body(noopJob("b", 0)).post("/api/v1/jobs")
                .then().statusCode(422).contentType(Problem.MEDIA_TYPE)
                .body("type", endsWith("/idempotency-key-reused"));
        assertThat(jobsWithKey(key)).isEqualTo(1);
    }

    /** Submissions that arrive together share a transaction: one refused among them fails alone. */
    @Test
    void aReusedKeyAmongConcurrentSubmitsFailsAloneAndTheOthersAreStored() throws Exception {
        String taken = UUID.randomUUID().toString();
        api().header("Idempotency-Key", taken).contentType(ContentType.JSON).body(noopJob("first", 0)).post("/api/v1/jobs")
                .then().statusCode(201);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String key = i == 16 ? taken : UUID.randomUUID().toString();
                String name = i == 16 ? "second" : "together-" + i;
                calls.add(() -> api().header("Idempotency-Key", key).contentType(ContentType.JSON)
                        .body(noopJob(name, 0)).post("/api/v1/jobs").statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertThat(statuses.get(16)).isEqualTo(422);
            assertThat(statuses).filteredOn(code -> code == 201).hasSize(31);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentSubmitsWithOneKeyCreateOneJob() throws Exception {
        String key = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> api().header("Idempotency-Key", key).contentType(ContentType.JSON)
                        .body(noopJob("race", 0)).post("/api/v1/jobs").jsonPath().getString("id"));
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> f : pool.invokeAll(calls)) {
                ids.add(f.get());
            }
            assertThat(ids).hasSize(1);
            assertThat(jobsWithKey(key)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theApiMetricsAndOpenApiNeedTheTokenHealthDoesNot() {
        given().get("/api/v1/jobs").then().statusCode(401).contentType(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", "Bearer");
        given().header("Authorization", "Bearer wrong").get("/api/v1/jobs").then().statusCode(401)
                .body("detail", equalTo("the API token is not valid"));
        given().get("/q/health/ready").then().statusCode(200).body(containsString("Database connections health check"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(401);
        api().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/jobs/{id}/abort"));
        given().get("/q/metrics").then().statusCode(401);
    }

    @Test
    void metricsShowSubmissionsFinishesQueueAndStartLatency() {
        awaitState(submit(noopJob("metered", 0)), "SUCCEEDED");
        String metrics = api().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("flow_jobs_submitted_total", "flow_jobs_finished_total{state=\"SUCCEEDED\"}",
                "flow_queue_depth", "flow_steps_running", "flow_job_start_latency_seconds_bucket",
                "flow_step_attempts_finished_total{outcome=\"SUCCEEDED\"}", "flow_jobs_deleted_total", "flow_jobs_expired");
    }

    private int jobsWithKey(String key) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from job where idempotency_key = :k")
                .bind("k", key).mapTo(Integer.class).one());
    }
}
