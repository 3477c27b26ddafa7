package io.flowcluster.server.scheduler;

import static io.flowcluster.server.FlowApi.awaitState;
import static io.flowcluster.server.FlowApi.job;
import static io.flowcluster.server.FlowApi.noopJob;
import static io.flowcluster.server.FlowApi.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.flowcluster.server.config.FlowConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code dispatch-ahead}, a node with every slot busy is dispatched a bounded queue of
 * steps, which wait there, not started, and run as its slots free.
 */
@QuarkusTest
@TestProfile(DispatchAheadTest.OneStepPerSlotAhead.class)
@QuarkusTestResource(EmbeddedPostgresResource.class)
class DispatchAheadTest {

    public static class OneStepPerSlotAhead implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("flow.scheduler.dispatch-ahead", "1");
        }
    }

    @Inject
    Jdbi jdbi;

    @Inject
    FlowConfig config;

    @Test
    void aBusyNodeHoldsAQueueOfOneStepPerSlotAndRunsItAsSlotsFree(@TempDir Path dir) throws Exception {
        int slots = config.worker().taskPoolSize();
        Path gate = dir.resolve("open");
        List<UUID> blockers = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            blockers.add(submit("""
                    {"name": "blocker", "steps": [{"name": "wait",
                      "shell": "while [ ! -f %s ]; do sleep 0.05; done"}]}""".formatted(gate)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> blockers.stream().allMatch(id -> job(id).getString("state").equals("RUNNING")));
        List<UUID> queued = new ArrayList<>();
        for (int i = 0; i < 2 * slots; i++) {
            queued.add(submit(noopJob("queued-" + i, 0)));
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> stepsIn("DISPATCHED") == slots);
        Thread.sleep(500); // passes go on meanwhile: the queue stays at one step per slot
        assertThat(stepsIn("DISPATCHED")).isEqualTo(slots);
        assertThat(stepsIn("READY")).isEqualTo(slots);
        assertThat(queued).allSatisfy(id -> assertThat(job(id).getString("state")).isEqualTo("PENDING"));

        Files.createFile(gate);
        blockers.forEach(id -> awaitState(id, "SUCCEEDED"));
        queued.forEach(id -> awaitState(id, "SUCCEEDED"));
    }

    private long stepsIn(String state) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from step s join job j on j.id = s.job_id "
                        + "where s.state = :state and j.name like 'queued-%' and j.state <> 'SUCCEEDED'")
                .bind("state", state).mapTo(Long.class).one());
    }
}
