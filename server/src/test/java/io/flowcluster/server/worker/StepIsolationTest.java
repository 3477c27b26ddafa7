package io.flowcluster.server.worker;

import static io.flowcluster.server.FlowApi.api;
import static io.flowcluster.server.FlowApi.awaitState;
import static io.flowcluster.server.FlowApi.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Invariant 9 for processes: nothing a step starts outlives the step, whether it ends, times
 * out or is aborted, however the process forked; in a PID namespace a step sees no process of
 * the server. The isolation is the strongest this machine allows (namespace as root, in CI).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
@QuarkusTestResource(HiddenSecrets.class)
class StepIsolationTest {

    @Inject
    StepIsolation isolation;

    @Test
    void aBackgroundProcessEndsWhenItsStepEnds() {
        awaitState(submit(job("leaves-sleep", "sleep 3101 & echo started")), "SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Processes.running("sleep 3101"));
    }

    @Test
    void aDoubleForkEndsWhenItsStepIsAborted() {
        UUID id = submit(job("double-fork", "(sleep 3102 &) ; sleep 3103"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Processes.running("sleep 3102") && Processes.running("sleep 3103"));
        api().post("/api/v1/jobs/" + id + "/abort").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !Processes.running("sleep 3102") && !Processes.running("sleep 3103"));
    }

    @Test
    void aDoubleForkEndsWhenItsStepTimesOut() {
        UUID id = submit("""
                {"name": "timeout-fork", "steps": [{"name": "s", "shell": "(sleep 3104 &) ; sleep 3105", "timeout": "1s"}]}""");
        awaitState(id, "FAILED");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Processes.running("sleep 3104") && !Processes.running("sleep 3105"));
    }

    @Test
    void inAPidNamespaceNotEvenANewSessionEscapes() {
        Assumptions.assumeTrue(isolation.mode() == StepIsolation.Mode.NAMESPACE, "steps run in " + isolation.mode() + " here");
        awaitState(submit(job("escapes", "setsid sleep 3106 & echo started")), "SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Processes.running("sleep 3106"));
    }

    @Test
    void inAPidNamespaceAStepSeesNoProcessOfTheServer() {
        Assumptions.assumeTrue(isolation.mode() == StepIsolation.Mode.NAMESPACE, "steps run in " + isolation.mode() + " here");
        UUID id = submit(job("snoop", "cat /proc/$PPID/environ /proc/1/environ 2>&1 | tr '\\\\0' '\\\\n' | grep -c . ; "
                + "for p in /proc/[0-9]*; do tr '\\\\0' ' ' < $p/cmdline; echo; done"));
        awaitState(id, "SUCCEEDED");
        String log = api().get("/api/v1/jobs/" + id + "/log").then().statusCode(200).extract().asString();
        assertThat(log).doesNotContain("java").doesNotContain("quarkus").doesNotContain("postgres").contains("tr ");
    }

    @Test
    void theInstallationsSecretsAreCoveredInAStepsMountNamespace() throws Exception {
        Assumptions.assumeTrue(isolation.mode() == StepIsolation.Mode.NAMESPACE && StepIsolation.runsAsRoot(),
                "covering paths needs a PID namespace of a server running as root");
        // the test profile names these as flow.worker.hidden-paths; they exist before the server starts (see HiddenSecrets)
        UUID id = submit(job("peek", "cat " + HiddenSecrets.FILE + "; ls " + HiddenSecrets.DIR + "; echo looked"));
        awaitState(id, "SUCCEEDED");
        String log = api().get("/api/v1/jobs/" + id + "/log").then().statusCode(200).extract().asString();
        assertThat(log).contains("looked").doesNotContain(HiddenSecrets.SECRET).doesNotContain("inside");
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of(HiddenSecrets.FILE))).as("covered for the step only")
                .isEqualTo(HiddenSecrets.SECRET);
    }

    private static String job(String name, String shell) {
        return """
                {"name": "%s", "steps": [{"name": "s", "shell": "%s"}]}""".formatted(name, shell);
    }
}
