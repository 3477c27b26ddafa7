package io.flowcluster.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The same cases where no PID namespace can be had (a pod without user namespaces): each step leads a session of its own. */
@QuarkusTest
@TestProfile(SessionIsolationTest.Session.class)
@QuarkusTestResource(EmbeddedPostgresResource.class)
class SessionIsolationTest extends StepIsolationTest {

    public static class Session implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("flow.worker.isolation", "session");
        }
    }

    @Test
    void stepsRunInSessionsOfTheirOwn() {
        assertThat(isolation.mode()).isEqualTo(StepIsolation.Mode.SESSION);
    }
}
