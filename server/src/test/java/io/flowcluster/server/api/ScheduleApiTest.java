package io.flowcluster.server.api;

import static io.flowcluster.server.FlowApi.api;
import static io.flowcluster.server.FlowApi.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class ScheduleApiTest {

    @Test
    void aScheduleEverySecondStartsOneJobPerTickThatNamesItsTick() {
        String name = "every-second-" + suffix();
        api().contentType(ContentType.JSON).body("""
                {"name": "%s", "cron": "* * * * * *", "job": {"name": "tick", "steps": [{"name": "a", "kind": "noop"}]}}"""
                .formatted(name)).post("/api/v1/schedules")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/schedules/" + name))
                .body("timeZone", equalTo("UTC"))
                .body("misfirePolicy", equalTo("fire-once"))
                .body("concurrencyPolicy", equalTo("allow"))
                .body("nextFireTimes.size()", equalTo(5));

        await().atMost(Duration.ofSeconds(20)).until(() -> schedule(name).getList("lastRuns").size() >= 3);
        JsonPath s = schedule(name);
        List<Instant> ticks = s.getList("lastRuns.tick", String.class).stream().map(Instant::parse).toList();
        assertThat(ticks).as("latest first, a second apart, one job each").isSortedAccordingTo((a, b) -> b.compareTo(a))
                .doesNotHaveDuplicates();
        assertThat(Duration.between(ticks.get(1), ticks.get(0))).isEqualTo(Duration.ofSeconds(1));
        UUID run = UUID.fromString(s.getString("lastRuns[0].id"));
        assertThat(job(run).getString("schedule.name")).isEqualTo(name);
        assertThat(Instant.parse(job(run).getString("schedule.tick"))).isEqualTo(ticks.get(0));
        assertThat(s.getLong("fired")).isGreaterThanOrEqualTo(3);
        assertThat(api().get("/q/metrics").then().statusCode(200).extract().asString())
                .contains("flow_schedule_ticks_total{outcome=\"fired\"}", "flow_schedule_tick_lateness_seconds_bucket");
        JsonPath runs = api().get("/api/v1/jobs?limit=500&schedule=" + name).then().statusCode(200).extract().jsonPath();
        assertThat(runs.getList("items.schedule.name", String.class)).hasSizeGreaterThanOrEqualTo(3).containsOnly(name);

        // paused: no tick fires, none is shown as coming
        api().contentType(ContentType.JSON).body("""
                {"cron": "* * * * * *", "paused": true, "job": {"name": "tick", "steps": [{"name": "a", "kind": "noop"}]}}""")
                .put("/api/v1/schedules/" + name).then().statusCode(200).body("paused", equalTo(true)).body("nextFireTimes.size()", equalTo(0));
        long firedWhenPaused = schedule(name).getLong("fired");
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(schedule(name).getLong("fired")).isEqualTo(firedWhenPaused);

        api().delete("/api/v1/schedules/" + name).then().statusCode(204);
        api().get("/api/v1/schedules/" + name).then().statusCode(404).contentType("application/problem+json");
        assertThat(job(run).getString("state")).as("its jobs stay").isNotNull();
    }

    @Test
    void nextFireTimesAreInTheSchedulesTimeZoneThroughADstChange() {
        String name = "nightly-" + suffix();
        JsonPath created = api().contentType(ContentType.JSON).body("""
                {"name": "%s", "cron": "30 2 * * *", "timeZone": "Europe/Berlin", "misfirePolicy": "skip",
                 "concurrencyPolicy": "forbid", "job": {"name": "nightly", "steps": [{"name": "a", "kind": "noop"}]}}"""
                .formatted(name)).post("/api/v1/schedules").then().statusCode(201).extract().jsonPath();
        List<Instant> next = created.getList("nextFireTimes", String.class).stream().map(Instant::parse).toList();
        assertThat(next).hasSize(5).allSatisfy(t -> {
            var local = t.atZone(ZoneId.of("Europe/Berlin")).toLocalTime();
            assertThat(local.toString()).isIn("02:30", "03:00");
        });
        assertThat(created.getString("misfirePolicy")).isEqualTo("skip");
        api().get("/api/v1/schedules?limit=1000").then().statusCode(200).body("items.name", hasItem(name));
    }

    @Test
    void aNameTakenIs409AndAPutNamingAnotherIs400() {
        String name = "taken-" + suffix();
        String body = "{\"name\": \"%s\", \"interval\": \"1h\", \"job\": {\"name\": \"j\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}}"
                .formatted(name);
        api().contentType(ContentType.JSON).body(body).post("/api/v1/schedules").then().statusCode(201);
        api().contentType(ContentType.JSON).body(body).post("/api/v1/schedules").then().statusCode(409)
                .body("type", containsString("schedule-exists"));
        api().contentType(ContentType.JSON).body(body).put("/api/v1/schedules/other-" + name).then().statusCode(400)
                .body("errors[0].field", equalTo("name"));
        api().contentType(ContentType.JSON).body(body).put("/api/v1/schedules/" + name).then().statusCode(200);
        api().delete("/api/v1/schedules/no-such-" + name).then().statusCode(404);
    }

    /** What the dashboard's Pause does: the schedule as shown, view-only fields left out, paused flipped, put back. */
    @Test
    void aScheduleAsShownCanBePutBack() {
        String name = "round-trip-" + suffix();
        api().contentType(ContentType.JSON).body("""
                {"name": "%s", "interval": "1h", "job": {"name": "j", "labels": {"team": "data"},
                 "steps": [{"name": "a", "shell": "echo hi", "timeout": "5m", "retries": {"limit": 2, "backoff": "1s"}},
                           {"name": "b", "kind": "noop", "dependsOn": ["a"]}]}}""".formatted(name))
                .post("/api/v1/schedules").then().statusCode(201);
        Map<String, Object> shown = new HashMap<>(schedule(name).getMap("$"));
        List.of("name", "nextFireTimes", "lastTick", "fired", "missed", "skipped", "createdAt", "updatedAt", "lastRuns")
                .forEach(shown::remove);
        shown.put("paused", true);
        api().contentType(ContentType.JSON).body(shown).put("/api/v1/schedules/" + name).then().statusCode(200)
                .body("paused", equalTo(true)).body("job.steps[1].dependsOn[0]", equalTo("a"));
    }

    @Test
    void everyWrongFieldIsNamedAndNothingIsStored() {
        rejected("{\"name\": \"Bad Name\", \"cron\": \"61 * * * *\", \"timeZone\": \"Mars/Olympus\", \"misfirePolicy\": \"later\","
                + " \"concurrencyPolicy\": \"sometimes\", \"maxCatchUp\": 0}")
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("timeZone"))
                .body("errors.field", hasItem("misfirePolicy"))
                .body("errors.field", hasItem("concurrencyPolicy"))
                .body("errors.field", hasItem("maxCatchUp"))
                .body("errors.field", hasItem("job"));
        rejected("{\"name\": \"x\", \"cron\": \"61 * * * *\", \"job\": {\"name\": \"j\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}}")
                .body("errors[0].field", equalTo("cron")).body("errors[0].message", containsString("is not a cron expression"));
        rejected("{\"name\": \"x\", \"cron\": \"0 0 30 2 *\", \"job\": {\"name\": \"j\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}}")
                .body("errors[0].message", containsString("never fires"));
        rejected("{\"name\": \"x\", \"cron\": \"* * * * *\", \"interval\": \"1m\", \"job\": {\"name\": \"j\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}}")
                .body("errors[0].field", equalTo("cron"));
        rejected("{\"name\": \"x\", \"interval\": \"10ms\", \"job\": {\"name\": \"j\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}}")
                .body("errors[0].field", equalTo("interval"));
        rejected("{\"name\": \"x\", \"interval\": \"1m\", \"job\": {\"name\": \"j\", \"steps\": []}}")
                .body("errors[0].field", equalTo("job.steps"));
        api().get("/api/v1/schedules/x").then().statusCode(404);
    }

    private static ValidatableResponse rejected(String body) {
        return api().contentType(ContentType.JSON).body(body).post("/api/v1/schedules").then().statusCode(400)
                .contentType("application/problem+json");
    }

    private static JsonPath schedule(String name) {
        return api().get("/api/v1/schedules/" + name).then().statusCode(200).extract().jsonPath();
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
