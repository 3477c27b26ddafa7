package io.flowcluster.server.api;

import static io.flowcluster.server.FlowApi.api;
import static io.flowcluster.server.FlowApi.awaitState;
import static io.flowcluster.server.FlowApi.noopJob;
import static io.flowcluster.server.FlowApi.submit;
import static io.flowcluster.server.FlowApi.submitRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** Every bad request gets a precise problem+json and leaves the database as it was. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class BadInputTest {

    @Inject
    Jdbi jdbi;

    private ValidatableResponse rejected(Supplier<io.restassured.response.Response> call, int status) {
        long before = rows();
        ValidatableResponse r = call.get().then().statusCode(status).contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(status));
        assertThat(rows()).as("a rejected request changes nothing").isEqualTo(before);
        return r;
    }

    private ValidatableResponse rejectedSubmit(String body) {
        return rejected(() -> submitRaw(body), 400);
    }

    @Test
    void malformedJson() {
        rejectedSubmit("{\"name\": \"x\", \"steps\": [")
                .body("type", endsWith("/malformed-json"))
                .body("detail", containsString("line 1"));
    }

    @Test
    void duplicateJsonKeys() {
        rejectedSubmit("{\"name\": \"x\", \"name\": \"y\", \"steps\": []}")
                .body("detail", containsString("Duplicate field 'name'"));
    }

    @Test
    void unknownFieldsAtAnyDepth() {
        rejectedSubmit("{\"name\": \"x\", \"colour\": \"red\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body("errors[0].field", equalTo("colour"))
                .body("errors[0].message", containsString("unknown field 'colour'; known fields: distribution, labels, name, parameters, priority, retention, steps"));
        rejectedSubmit("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\", \"retry\": 3}]}")
                .body("errors[0].field", equalTo("steps[0].retry"));
    }

    @Test
    void aDurationTooLongToBeOneIsRefusedWithoutRunningThroughIt() {
        // thousands of units together once overflowed the stack of the duration pattern: a 500
        rejectedSubmit("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\", \"timeout\": \""
                + "1s".repeat(5000) + "\"}]}")
                .body("errors[0].field", equalTo("steps[0].timeout"))
                .body("errors[0].message", containsString("is not a duration"));
    }

    @Test
    void missingNameAndSteps() {
        rejectedSubmit("{\"priority\": 1}")
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("steps"));
    }

    @Test
    void aRetentionOfNothingOrOfCenturiesIsRefused() {
        for (String retention : new String[] {"0s", "-1d", "36500d", "forever"}) {
            rejectedSubmit("{\"name\": \"x\", \"retention\": \"" + retention + "\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                    .body("errors[0].field", equalTo("retention"));
        }
    }

    @Test
    void duplicateStepNames() {
        rejectedSubmit("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}, {\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body("errors[0].field", equalTo("steps[1].name"))
                .body("errors[0].message", equalTo("duplicate step name 'a' (also steps[0])"));
    }

    @Test
    void unknownDependency() {
        rejectedSubmit("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\", \"dependsOn\": [\"b\"]}]}")
                .body("errors[0].field", equalTo("steps[0].dependsOn[0]"))
                .body("errors[0].message", equalTo("unknown step 'b'"));
    }

    @Test
    void cyclicDependencies() {
        rejectedSubmit("""
                {"name": "x", "steps": [
                  {"name": "a", "kind": "noop", "dependsOn": ["c"]},
                  {"name": "b", "kind": "noop", "dependsOn": ["a"]},
                  {"name": "c", "kind": "noop", "dependsOn": ["b"]}]}""")
                .body("detail", containsString("dependsOn forms a cycle: "));
    }

    @Test
    void badPriority() {
        rejectedSubmit("{\"name\": \"x\", \"priority\": \"high\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body("errors[0].field", equalTo("priority")).body("errors[0].message", equalTo("must be an integer"));
        rejectedSubmit("{\"name\": \"x\", \"priority\": 1.5, \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body("errors[0].field", equalTo("priority"));
        rejectedSubmit("{\"name\": \"x\", \"priority\": 5000, \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body("errors[0].message", equalTo("must be between -1000 and 1000, was 5000"));
    }

    @Test
    void wrongShapes() {
        rejectedSubmit("").body("detail", containsString("empty"));
        rejectedSubmit("[]").body("detail", equalTo("the body must be a JSON object"));
        rejectedSubmit("null").body("detail", equalTo("the body must be a JSON object, not null"));
        rejectedSubmit("{\"name\": \"x\", \"steps\": {}}").body("errors[0].field", equalTo("steps"));
        rejectedSubmit("{\"name\": \"x\", \"labels\": {\"a\": 1}, \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body("errors[0].field", equalTo("labels.a")).body("errors[0].message", equalTo("must be a string"));
    }

    @Test
    void notJson() {
        rejected(() -> api().contentType(ContentType.TEXT).body("name=x").post("/api/v1/jobs"), 415);
    }

    @Test
    void oversizedBody() {
        String big = "{\"name\": \"" + "x".repeat(70_000) + "\", \"steps\": []}";
        rejected(() -> submitRaw(big), 413)
                .body("type", endsWith("/body-too-large"))
                .body("detail", containsString("at most 65536"));
    }

    @Test
    void unknownJob() {
        rejected(() -> api().get("/api/v1/jobs/" + UUID.randomUUID()), 404).body("type", endsWith("/not-found"));
        rejected(() -> api().get("/api/v1/jobs/not-a-uuid"), 404);
        rejected(() -> api().post("/api/v1/jobs/" + UUID.randomUUID() + "/abort"), 404);
        rejected(() -> api().get("/api/v1/nothing-here"), 404);
    }

    @Test
    void abortingAFinishedJob() {
        UUID id = submit(noopJob("quick", 0));
        awaitState(id, "SUCCEEDED");
        rejected(() -> api().post("/api/v1/jobs/" + id + "/abort"), 409)
                .body("detail", containsString("already ended as SUCCEEDED"));
        assertThat(awaitState(id, "SUCCEEDED").getString("state")).isEqualTo("SUCCEEDED");
    }

    @Test
    void badListParameters() {
        rejected(() -> api().queryParam("state", "SLEEPING").get("/api/v1/jobs"), 400).body("errors[0].field", equalTo("state"));
        rejected(() -> api().queryParam("label", "novalue").get("/api/v1/jobs"), 400).body("errors[0].field", equalTo("label"));
        rejected(() -> api().queryParam("limit", "0").get("/api/v1/jobs"), 400).body("errors[0].field", equalTo("limit"));
        rejected(() -> api().queryParam("cursor", "!!").get("/api/v1/jobs"), 400).body("detail", containsString("cursor"));
    }

    @Test
    void badIdempotencyKey() {
        rejected(() -> api().header("Idempotency-Key", "k".repeat(256)).contentType(ContentType.JSON)
                .body(noopJob("x", 0)).post("/api/v1/jobs"), 400);
        rejected(() -> api().header("Idempotency-Key", "with space").contentType(ContentType.JSON)
                .body(noopJob("x", 0)).post("/api/v1/jobs"), 400);
    }

    @Test
    void nulAndUnpairedSurrogatesAreRefusedAnywhere() {
        rejectedSubmit("{\"name\": \"a\\u0000b\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body("errors[0].field", equalTo("name")).body("errors[0].message", containsString("NUL"));
        rejectedSubmit("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"shell\": \"true\", \"env\": {\"K\": \"v\\u0000\"}}]}")
                .body("errors[0].field", equalTo("steps[0].env.K"));
        rejectedSubmit("{\"name\": \"x\", \"labels\": {\"k\\u0000\": \"v\"}, \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body("errors[0].message", containsString("key must not contain NUL"));
        rejectedSubmit("{\"name\": \"x\", \"steps\": [{\"name\": \"each\", \"kind\": \"fanout\", "
                + "\"fanout\": {\"items\": [{\"deep\": [\"\\u0000\"]}]}}]}")
                .body("errors[0].field", equalTo("steps[0].fanout.items[0].deep[0]"));
        rejectedSubmit("{\"name\": \"x\\ud800\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body("errors[0].field", equalTo("name")).body("errors[0].message", containsString("unpaired surrogate"));
        rejectedSubmit("{\"name\": \"x\\udc00y\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body("errors[0].message", containsString("unpaired surrogate"));
        assertThat(submit("{\"name\": \"emoji \\ud83d\\ude80\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}"))
                .as("a pair is fine").isNotNull();
    }

    @Test
    void noErrorNamesAJavaType() {
        rejectedSubmit("{\"name\": \"x\", \"distribution\": \"SIDEWAYS\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body("errors[0].field", equalTo("distribution"))
                .body("errors[0].message", equalTo("must be one of: LOCAL, DISTRIBUTED"))
                .body(not(containsString("io.flowcluster")));
        rejectedSubmit("{\"name\": \"x\", \"priority\": 99999999999999999999, \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}")
                .body(not(containsString("java."))).body(not(containsString("io.flowcluster")));
    }

    @Test
    void onlyACanonicalIdNamesAJob() {
        rejected(() -> api().get("/api/v1/jobs/0-0-0-0-0"), 404);
        rejected(() -> api().get("/api/v1/jobs/1-1-1-1-1/log"), 404);
    }

    @Test
    void badMessages() {
        UUID id = submit(noopJob("m", 0));
        awaitState(id, "SUCCEEDED");
        rejected(() -> api().contentType(ContentType.JSON).body("{}").post("/api/v1/jobs/" + id + "/messages"), 400)
                .body("errors[0].field", equalTo("name"));
        rejected(() -> api().contentType(ContentType.JSON).body("{\"name\": \"approve\"}")
                .post("/api/v1/jobs/" + id + "/messages"), 409);
        rejected(() -> api().contentType(ContentType.JSON).body("{\"name\": \"approve\"}")
                .post("/api/v1/jobs/" + UUID.randomUUID() + "/messages"), 404);
    }

    /** Jobs and messages: what any accepted write creates (steps, attempts and logs need a job). */
    private long rows() {
        return jdbi.withHandle(h -> h.createQuery("select (select count(*) from job) + (select count(*) from job_message)")
                .mapTo(Long.class).one());
    }
}
