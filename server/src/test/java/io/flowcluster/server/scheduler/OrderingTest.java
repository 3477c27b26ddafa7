package io.flowcluster.server.scheduler;

import static io.flowcluster.server.FlowApi.awaitState;
import static io.flowcluster.server.FlowApi.job;
import static io.flowcluster.server.FlowApi.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.flowcluster.server.config.FlowConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runnable steps start by job priority, then submission order, then step order, under load. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class OrderingTest {

    private static final int JOBS = 200;

    @Inject
    Jdbi jdbi;

    @Inject
    FlowConfig config;

    record Started(java.time.Instant at, int priority, long seq, int index) {
    }

    @Test
    void stepsStartByPriorityThenSubmissionThenStepOrder(@TempDir Path dir) throws Exception {
        Path gate = dir.resolve("open");
        // fill every slot so that everything below queues up
        List<UUID> blockers = new ArrayList<>();
        for (int i = 0; i < config.worker().taskPoolSize(); i++) {
            blockers.add(submit("""
                    {"name": "blocker", "priority": 1000, "steps": [{"name": "wait",
                      "shell": "while [ ! -f %s ]; do sleep 0.05; done"}]}""".formatted(gate)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> blockers.stream().allMatch(id -> job(id).getString("state").equals("RUNNING")));

        Random random = new Random(42);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<UUID> jobs = new ArrayList<>();
        try {
            List<Callable<UUID>> submits = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                int priority = random.nextInt(11) - 5;
                boolean twoSteps = random.nextBoolean();
                submits.add(() -> submit("{\"name\":\"ordered\",\"priority\":" + priority + ",\"steps\":["
                        + "{\"name\":\"first\",\"kind\":\"noop\"}"
                        + (twoSteps ? ",{\"name\":\"second\",\"kind\":\"noop\"}" : "") + "]}"));
            }
            for (Future<UUID> f : pool.invokeAll(submits)) {
                jobs.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        Files.createFile(gate);
        jobs.forEach(id -> awaitState(id, "SUCCEEDED"));

        // a step starts when the transaction that made it RUNNING commits; the steps one
        // transaction started started together, so within one the order is the tie-break
        List<Started> started = jdbi.withHandle(h -> h.createQuery("""
                        select s.started_at, s.job_priority, s.job_seq, s.idx from step s
                        where s.job_id = any(:jobs) order by s.started_at, s.job_priority desc, s.job_seq, s.idx""")
                .bind("jobs", jobs.toArray(UUID[]::new))
                .map((rs, ctx) -> new Started(rs.getTimestamp(1).toInstant(), rs.getInt(2), rs.getLong(3), rs.getInt(4)))
                .list());
        assertThat(started).hasSizeGreaterThan(JOBS);
        assertThat(started).isSortedAccordingTo(Comparator.comparingInt(Started::priority).reversed()
                .thenComparingLong(Started::seq).thenComparingInt(Started::index));
        assertThat(started.stream().map(Started::priority).distinct().count()).as("the test mixes priorities").isEqualTo(11);
    }
}
