package io.flowcluster.server.api;

import static io.flowcluster.server.FlowApi.TOKEN;
import static io.flowcluster.server.FlowApi.api;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.flowcluster.server.RawHttp;
import io.flowcluster.server.RawHttp.Answer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Invariant 8 as an attacker tries it: every spelling of a path that the router could match
 * to a resource, sent byte for byte, needs the token; a body is JSON and bounded however it
 * is framed; and whatever is refused gets problem JSON and changes nothing.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class RequestGuardTest {

    private static final String SHELL_JOB = "{\"name\":\"pwn\",\"steps\":[{\"name\":\"s\",\"shell\":\"id\"}]}";

    @Inject
    Jdbi jdbi;

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/jobs", "//api/v1/jobs", "/./api/v1/jobs", "/%61pi/v1/jobs", "/x/../api/v1/jobs",
        "/api;/v1/jobs", "/api/v1/jobs;x=1", "/api/v1//jobs", "/api/v1/jobs/", "/API/v1/jobs", "/api/./v1/jobs",
        "/%2e/api/v1/jobs", "/api%2fv1%2fjobs", "/q/health/../../api/v1/jobs", "/q/health/..%2f..%2fapi/v1/jobs",
        "/index.html/../api/v1/jobs", "/dashboard.js/..;/api/v1/jobs", "http://localhost/api/v1/jobs", "/%2F/api/v1/jobs"})
    void noSpellingOfAPathSubmitsWithoutTheToken(String path) {
        long before = jobs();
        byte[] body = SHELL_JOB.getBytes(StandardCharsets.UTF_8);
        Answer answer = RawHttp.send("POST " + path + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length, body);
        assertThat(answer.status()).as("POST %s without a token: %s", path, answer.head()).isIn(400, 401);
        assertThat(answer.body()).contains("\"status\":" + answer.status());
        assertThat(jobs()).as("nothing was submitted").isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"//api/v1/jobs", "/%61pi/v1/jobs", "/api;/v1/cluster", "//q/metrics", "/q/metrics",
        "/q/openapi", "/q/health/../metrics", "/%71/metrics", "/api/v1/schedules", "//api/v1/schedules/x"})
    void noSpellingOfAPathReadsWithoutTheToken(String path) {
        Answer answer = RawHttp.send("GET " + path + " HTTP/1.1");
        assertThat(answer.status()).as("GET %s without a token", path).isIn(400, 401);
        assertThat(answer.body()).doesNotContain("flow_").doesNotContain("\"items\"");
    }

    @Test
    void wrongTokensInEveryFormAreRefused() {
        for (String header : List.of("Bearer wrong", "Bearer " + TOKEN + "x", "Basic " + TOKEN, TOKEN, "Bearer", "Bearer  ",
                "bearer " + TOKEN.substring(1))) {
            given().header("Authorization", header).get("/api/v1/jobs").then().statusCode(401)
                    .contentType(Problem.MEDIA_TYPE).header("WWW-Authenticate", "Bearer");
        }
        given().header("Authorization", "bearer " + TOKEN).get("/api/v1/jobs").then().statusCode(200);
    }

    @Test
    void onlyTheProbesAndTheDashboardAreOpen() {
        for (String path : RequestGuard.PUBLIC_PATHS) {
            Answer answer = RawHttp.send("GET " + path + " HTTP/1.1");
            assertThat(answer.status()).as(path).isEqualTo(200);
        }
        assertThat(RawHttp.send("POST / HTTP/1.1\r\nContent-Length: 0").status()).isEqualTo(401);
        assertThat(RawHttp.send("GET /favicon.ico HTTP/1.1").status()).isEqualTo(401);
    }

    @Test
    void aBodyMustBeJson() {
        long before = jobs();
        byte[] body = SHELL_JOB.getBytes(StandardCharsets.UTF_8);
        for (String contentType : List.of("", "\r\nContent-Type: text/plain", "\r\nContent-Type: application/x-www-form-urlencoded",
                "\r\nContent-Type: multipart/form-data; boundary=x", "\r\nContent-Type: application/jsonp")) {
            Answer answer = RawHttp.send("POST /api/v1/jobs HTTP/1.1\r\nAuthorization: Bearer " + TOKEN + contentType
                    + "\r\nContent-Length: " + body.length, body);
            assertThat(answer.status()).as(contentType).isEqualTo(415);
            assertThat(answer.body()).contains("application/json");
        }
        assertThat(jobs()).isEqualTo(before);
    }

    @Test
    void aDeclaredBodyOverTheLimitGetsProblemJson() {
        byte[] body = new byte[70_000];
        Answer answer = RawHttp.send("POST /api/v1/jobs HTTP/1.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length, body);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body()).contains("\"status\":413", "flow.api.max-body-bytes");
        Answer huge = RawHttp.send("POST /api/v1/jobs HTTP/1.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999999");
        assertThat(huge.status()).isIn(400, 413);
    }

    @Test
    void aChunkedBodyIsBoundedToo() {
        long before = jobs();
        // a valid job padded with whitespace past the test limit (64 KiB), in small and large chunks
        byte[] big = (SHELL_JOB + " ".repeat(5_000_000)).getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1024, 1 << 20}) {
            Answer answer = RawHttp.send("POST /api/v1/jobs HTTP/1.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", RawHttp.chunked(big, chunk));
            assertThat(answer.status()).as("chunks of %d", chunk).isEqualTo(413);
            assertThat(answer.body()).contains("\"status\":413");
        }
        assertThat(jobs()).isEqualTo(before);
        byte[] small = "{\"name\":\"chunked\",\"steps\":[{\"name\":\"s\",\"kind\":\"noop\"}]}".getBytes(StandardCharsets.UTF_8);
        Answer ok = RawHttp.send("POST /api/v1/jobs HTTP/1.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", RawHttp.chunked(small, 7));
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(jobs()).isEqualTo(before + 1);
    }

    @Test
    void aClientThatOffersHttp2IsServedOverHttp11() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/api/v1/jobs"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"h2c\",\"steps\":[{\"name\":\"s\",\"kind\":\"noop\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void nulInThePathOrQueryIsRefused() {
        Answer answer = RawHttp.send("GET /api/v1/jobs?label=a%3D%00b HTTP/1.1\r\nAuthorization: Bearer " + TOKEN);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("NUL");
    }

    @Test
    void junkPathsDoNotBecomeMetricLabels() {
        for (int i = 0; i < 30; i++) {
            RawHttp.send("GET /junk-" + i + "-zz HTTP/1.1");
            api().get("/api/v1/junk-" + i + "-yy");
        }
        String metrics = api().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).doesNotContain("-zz").doesNotContain("-yy").contains("http_server_requests_seconds_count");
    }

    @Test
    void answersCarrySecurityHeaders() {
        api().get("/api/v1/jobs").then().statusCode(200)
                .header("Cache-Control", "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", RequestGuard.CONTENT_SECURITY_POLICY);
        given().get("/api/v1/jobs/" + UUID.randomUUID()).then().statusCode(401).header("Cache-Control", "no-store");
    }

    private long jobs() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from job").mapTo(Long.class).one());
    }
}
