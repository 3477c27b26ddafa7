package io.flowcluster.server.api;

import static io.flowcluster.server.FlowApi.api;
import static io.flowcluster.server.FlowApi.awaitState;
import static io.flowcluster.server.FlowApi.job;
import static io.flowcluster.server.FlowApi.noopJob;
import static io.flowcluster.server.FlowApi.submit;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/cluster}: who is the scheduler, the ring, each member's load, and drain. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class ClusterApiTest {

    @Inject
    Jdbi jdbi;

    @Test
    void showsTheSchedulerTheRingAndTheMembers() {
        await().atMost(Duration.ofSeconds(10)).until(() -> "test-node".equals(cluster().getString("scheduler.node")));
        JsonPath cluster = cluster();
        assertThat(cluster.getString("name")).isEqualTo("flowcluster");
        assertThat(cluster.getString("coordination")).isEqualTo("jdbc");
        assertThat(cluster.getLong("scheduler.epoch")).isPositive();
        assertThat(cluster.getList("ring.members")).containsExactly("test-node");
        assertThat(cluster.getLong("ring.epoch")).isPositive();
        assertThat(cluster.getString("members.find { it.id == 'test-node' }.state")).isEqualTo("live");
        assertThat(cluster.getBoolean("members.find { it.id == 'test-node' }.scheduler")).isTrue();
    }

    @Test
    void aDrainedMemberTakesNoNewWorkUntilItIsTakenBack() {
        api().post("/api/v1/cluster/members/test-node/drain").then().statusCode(200).body("id", equalTo("test-node"));
        UUID waiting;
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster().getList("ring.draining").contains("test-node"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "drained".equals(cluster().getString("members.find { it.id == 'test-node' }.state")));
            waiting = submit(noopJob("while-drained", 0));
            // the only member drains: the job waits, it is not lost
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> job(waiting).getString("state").equals("PENDING"));
        } finally {
            api().delete("/api/v1/cluster/members/test-node/drain").then().statusCode(200)
                    .body("state", equalTo("live")); // the state it is in now, not the one it was in
        }
        awaitState(waiting, "SUCCEEDED");
        assertThat(cluster().getString("members.find { it.id == 'test-node' }.state")).isEqualTo("live");
    }

    @Test
    void drainingAnUnknownMemberIs404AndChangesNothing() {
        long epoch = cluster().getLong("ring.epoch");
        api().post("/api/v1/cluster/members/nobody/drain").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("no member 'nobody' in this cluster"));
        assertThat(cluster().getLong("ring.epoch")).isEqualTo(epoch);
    }

    @Test
    void drainingADeadMemberIs409AndChangesNothing() {
        jdbi.useHandle(h -> h.execute("""
                insert into node (id, incarnation, task_pool_size, started_at, heartbeat_at)
                values ('gone', gen_random_uuid(), 4, now() - interval '1 hour', now() - interval '1 hour')
                on conflict (id) do update set heartbeat_at = excluded.heartbeat_at, draining = false"""));
        try {
            api().post("/api/v1/cluster/members/gone/drain").then().statusCode(409)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("member 'gone' is dead: its work has moved to the others already; there is nothing to drain"));
            boolean draining = jdbi.withHandle(h -> h.createQuery("select draining from node where id = 'gone'")
                    .mapTo(Boolean.class).one());
            assertThat(draining).isFalse();
        } finally {
            jdbi.useHandle(h -> h.execute("delete from node where id = 'gone'"));
        }
    }

    @Test
    void needsTheToken() {
        given().get("/api/v1/cluster").then().statusCode(401);
    }

    @Test
    void exportsWhatTheSchedulerApplied() {
        await().atMost(Duration.ofSeconds(10)).until(() -> "test-node".equals(cluster().getString("scheduler.node")));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String metrics = api().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).contains("flow_scheduler_leader 1.0")
                    .contains("flow_member_owned_jobs{member=\"test-node\"}")
                    .contains("flow_member_running_steps{member=\"test-node\"}")
                    .containsPattern("flow_ring_epoch [1-9]");
        });
    }

    @Test
    void eachMemberCountsTheJobsThatEndedOnIt() {
        long before = cluster().getLong("members.find { it.id == 'test-node' }.jobsFinished");
        awaitState(submit(noopJob("one-more", 0)), "SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                cluster().getLong("members.find { it.id == 'test-node' }.jobsFinished") > before);
    }

    @Test
    void everyMetricSaysWhatItMeasures() {
        submit(noopJob("counted", 0)); // so that the counters of finished jobs and attempts exist
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(api().get("/q/metrics").then().extract().asString()).contains("flow_jobs_finished_total"));
        String metrics = api().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> help = metrics.lines().filter(l -> l.startsWith("# HELP flow_")).toList();
        assertThat(help).hasSizeGreaterThan(8).allSatisfy(l -> assertThat(l.split(" ", 4)).as(l).hasSize(4)
                .satisfies(parts -> assertThat(parts[3].trim()).as(l).isNotEmpty()));
    }

    private static JsonPath cluster() {
        return api().get("/api/v1/cluster").then().statusCode(200).extract().jsonPath();
    }
}
