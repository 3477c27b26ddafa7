package io.flowcluster.server.fanout;

import static io.flowcluster.server.FlowApi.api;
import static io.flowcluster.server.FlowApi.awaitState;
import static io.flowcluster.server.FlowApi.submit;
import static io.flowcluster.server.FlowApi.submitRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** A fanout step on one node: packets, one result per item, progress, the log, and bad input. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class FanoutStepTest {

    @Inject
    Jdbi jdbi;

    @Test
    void aRangeIsCutIntoPacketsAndEveryItemHasOneResultInOrder() {
        UUID id = submit("""
                {"name": "squares", "steps": [
                  {"name": "each", "kind": "fanout", "fanout": {"range": {"from": 1000, "to": 3550}}},
                  {"name": "after", "kind": "noop", "dependsOn": ["each"]}]}""");

        JsonPath job = awaitState(id, "SUCCEEDED");

        assertThat(job.getString("distribution")).isEqualTo("LOCAL");
        assertThat(job.getInt("steps[0].packets.total")).isEqualTo(26);
        assertThat(job.getInt("steps[0].packets.done")).isEqualTo(26);
        assertThat(job.getInt("steps[0].packets.failedItems")).isZero();
        List<Integer> values = new ArrayList<>();
        List<Integer> items = new ArrayList<>();
        String after = "-1";
        while (after != null) {
            JsonPath page = api().get("/api/v1/jobs/" + id + "/steps/each/results?limit=1000&after=" + after)
                    .then().statusCode(200).extract().jsonPath();
            values.addAll(page.getList("items.result", Integer.class));
            items.addAll(page.getList("items.item", Integer.class));
            after = page.getString("next");
        }
        assertThat(items).hasSize(2550).isSorted().doesNotHaveDuplicates();
        assertThat(values.get(0)).isEqualTo(1000);
        assertThat(values.get(2549)).isEqualTo(3549);
        String log = api().get("/api/v1/jobs/" + id + "/log").then().statusCode(200).extract().asString();
        assertThat(log).contains("[fanout: 2550 items in 26 packets, LOCAL distribution, coordinated by test-node]")
                .contains("[packet 25 (items 2500-2549) done on test-node, attempt 1")
                .contains("[fanout done: 26 packets, 2550 of 2550 items succeeded]");
        for (int packet = 0; packet < 26; packet++) {
            assertThat(log).as("every packet's end is logged")
                    .contains("[packet " + packet + " (items " + packet * 100 + "-" + Math.min(packet * 100 + 99, 2549) + ") done on");
        }
    }

    @Test
    void twoFanoutStepsOfOneJobRunSideBySideEachWithItsOwnPacketsAndResults() {
        UUID id = submit("""
                {"name": "twins", "steps": [
                  {"name": "left", "kind": "fanout", "fanout": {"range": {"from": 0, "to": 1000}}},
                  {"name": "right", "kind": "fanout", "fanout": {"items": ["x", "y", "z"]}}]}""");

        JsonPath job = awaitState(id, "SUCCEEDED");

        assertThat(job.getList("steps.packets.total", Integer.class)).containsExactly(10, 1);
        assertThat(api().get("/api/v1/jobs/" + id + "/steps/left/results?limit=10000").then().statusCode(200)
                .extract().jsonPath().getList("items.result", Integer.class)).hasSize(1000).startsWith(0, 1, 2);
        assertThat(api().get("/api/v1/jobs/" + id + "/steps/right/results").then().statusCode(200)
                .extract().jsonPath().getList("items.result", String.class)).containsExactly("x", "y", "z");
    }

    @Test
    void aCommandRunsOncePerItemAndAFailedItemFailsTheStep() {
        UUID id = submit("""
                {"name": "records", "steps": [
                  {"name": "each", "kind": "fanout", "shell": "test \\"$FLOW_ITEM\\" != bad && echo \\"got $FLOW_ITEM #$FLOW_ITEM_INDEX\\"",
                   "fanout": {"items": ["a", "bad", {"k": 1}]}}]}""");

        JsonPath job = awaitState(id, "FAILED");

        assertThat(job.getString("steps[0].message")).isEqualTo("1 of 3 items failed");
        JsonPath results = api().get("/api/v1/jobs/" + id + "/steps/each/results").then().statusCode(200).extract().jsonPath();
        assertThat(results.getList("items.ok", Boolean.class)).containsExactly(true, false, true);
        assertThat(results.getString("items[0].result.output")).isEqualTo("got a #0");
        assertThat(results.getInt("items[1].result.exitCode")).isEqualTo(1);
        assertThat(results.getString("items[2].result.output")).isEqualTo("got {\"k\":1} #2");
        assertThat(results.getString("next")).isNull();
    }

    @Test
    void abortingAFanoutJobStopsItsPacketsAndRefusesTheResultsOfThoseStillRunning() {
        UUID id = submit("""
                {"name": "long", "steps": [
                  {"name": "each", "kind": "fanout", "shell": "sleep 0.5", "fanout": {"range": {"from": 0, "to": 8}}}]}""");
        await().atMost(Duration.ofSeconds(10)).until(() -> packets(id, "RUNNING") == 1);

        api().post("/api/v1/jobs/" + id + "/abort").then().statusCode(200);

        awaitState(id, "ABORTED");
        assertThat(packets(id, "ABORTED")).isEqualTo(1);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6))
                .until(() -> jdbi.withHandle(h -> h.createQuery("select count(*) from fanout_result where job_id = :id")
                        .bind("id", id).mapTo(Long.class).one()) == 0);
    }

    @Test
    void resultsAreOnlyForFanoutSteps() {
        UUID id = submit("""
                {"name": "plain", "steps": [{"name": "s", "kind": "noop"}]}""");
        awaitState(id, "SUCCEEDED");
        api().get("/api/v1/jobs/" + id + "/steps/s/results").then().statusCode(404);
        api().get("/api/v1/jobs/" + id + "/steps/nope/results").then().statusCode(404);
        api().get("/api/v1/jobs/" + id + "/steps/s/results?limit=0").then().statusCode(404);
    }

    @Test
    void badFanoutStepsAreRefusedWithTheFieldAndNothingIsStored() {
        long before = jobs();
        String body = submitRaw("""
                {"name": "bad", "distribution": "EVERYWHERE", "steps": [{"name": "s", "kind": "fanout"}]}""")
                .then().statusCode(400).extract().asString();
        assertThat(body).contains("distribution");
        submitRaw("""
                {"name": "bad", "steps": [
                  {"name": "a", "kind": "fanout"},
                  {"name": "b", "kind": "fanout", "fanout": {"items": [], "range": {"from": 0, "to": 1}}},
                  {"name": "c", "kind": "fanout", "fanout": {"range": {"from": 5, "to": 5}}},
                  {"name": "d", "kind": "fanout", "fanout": {"items": []}},
                  {"name": "e", "kind": "noop", "fanout": {"items": [1]}}]}""")
                .then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.contains("steps[0].fanout", "steps[1].fanout", "steps[2].fanout.range",
                        "steps[3].fanout.items", "steps[4].fanout"));
        assertThat(jobs()).isEqualTo(before);
    }

    private long packets(UUID job, String state) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from packet where job_id = :job and state = :state")
                .bind("job", job).bind("state", state).mapTo(Long.class).one());
    }

    private long jobs() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from job").mapTo(Long.class).one());
    }
}
