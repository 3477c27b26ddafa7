package io.flowcluster.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.StepSpec;
import io.flowcluster.server.store.Claim;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StepEnvironmentTest {

    @Test
    void passesOnlyHarmlessServerVariablesAndAddsTheJobsOwn() {
        StepSpec spec = new StepSpec("build", null, List.of("make"), null, Map.of("GOAL", "all"), null, null, null, null, null, null);
        UUID job = UUID.randomUUID();
        Claim claim = new Claim(job, "nightly", 0, 2, spec, Map.of("branch", "main"), 0, 1, Instant.now(), DistributionMode.LOCAL, false);
        Map<String, String> server = Map.of("PATH", "/usr/bin", "FLOW_API_TOKEN", "secret",
                "QUARKUS_DATASOURCE_PASSWORD", "secret", "HOME", "/home/flow");

        Map<String, String> env = StepEnvironment.of(claim, server);

        assertThat(env).doesNotContainValue("secret")
                .containsEntry("PATH", "/usr/bin")
                .containsEntry("HOME", "/home/flow")
                .containsEntry("FLOW_JOB_ID", job.toString())
                .containsEntry("FLOW_JOB_NAME", "nightly")
                .containsEntry("FLOW_STEP", "build")
                .containsEntry("FLOW_ATTEMPT", "2")
                .containsEntry("FLOW_PARAM_branch", "main")
                .containsEntry("GOAL", "all");
    }
}
