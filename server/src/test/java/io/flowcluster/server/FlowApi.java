package io.flowcluster.server;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** The REST API as the tests use it, with the test profile's token. */
public final class FlowApi {

    public static final String TOKEN = "test-token";

    private FlowApi() {
    }

    public static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + TOKEN);
    }

    public static Response submitRaw(String json) {
        return api().contentType(ContentType.JSON).body(json).post("/api/v1/jobs");
    }

    /** Submits a job and returns its id; fails the test unless it was created. */
    public static UUID submit(String json) {
        Response r = submitRaw(json);
        r.then().statusCode(201);
        return UUID.fromString(r.jsonPath().getString("id"));
    }

    public static JsonPath job(UUID id) {
        return api().get("/api/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Waits for the job to reach one of these states and returns it. */
    public static JsonPath awaitState(UUID id, String... states) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> List.of(states).contains(job(id).getString("state")));
        return job(id);
    }

    public static String noopJob(String name, int priority) {
        return "{\"name\":\"" + name + "\",\"priority\":" + priority + ",\"steps\":[{\"name\":\"only\",\"kind\":\"noop\"}]}";
    }
}
