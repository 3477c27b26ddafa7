package io.flowcluster.server.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The dashboard page is served without a token (it holds no data) and reads the token-guarded API. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class DashboardTest {

    @Test
    void thePageIsServedAtTheRootWithoutAToken() {
        given().get("/").then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("<title>FlowCluster</title>"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .body(containsString("<script src=\"dashboard.js\"></script>"))
                .body(not(containsString("<script>")));
        given().get("/dashboard.js").then().statusCode(200)
                .header("Cache-Control", equalTo("no-cache"))
                .body(containsString("Authorization: \"Bearer \" + token()"))
                .body(containsString("sessionStorage"))
                .body(containsString("/api/v1/cluster"))
                // every value from the server is inserted as text
                .body(not(containsString("innerHTML"))).body(not(containsString("insertAdjacentHTML")));
        given().get("/dashboard.css").then().statusCode(200);
    }

    @Test
    void theApiItReadsStillNeedsTheToken() {
        given().get("/api/v1/cluster").then().statusCode(401);
    }
}
