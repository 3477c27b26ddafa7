package io.flowcluster.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcluster.server.TestDatabase;
import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobSpec;
import io.flowcluster.server.job.StepSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Tests of the stores on a real PostgreSQL with no server running, so that a test plays
 * every node itself; each test starts with no jobs, no nodes and a free lease.
 */
abstract class Stores {

    static TestDatabase db;
    static Jdbi jdbi;
    static ClusterStore cluster;
    static DispatchStore dispatch;
    static ExecutionStore execution;
    static JobStore jobs;
    static ScheduleStore schedules;

    @BeforeAll
    static void database() {
        db = new TestDatabase();
        jdbi = db.jdbi();
        JsonColumns json = new JsonColumns(new ObjectMapper());
        cluster = new ClusterStore(jdbi);
        dispatch = new DispatchStore(jdbi, json);
        execution = new ExecutionStore(jdbi, json);
        jobs = new JobStore(jdbi, json, Duration.ofDays(30));
        schedules = new ScheduleStore(jdbi, json, jobs);
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    /** A one-step noop job, submitted as the API would. */
    static UUID submit(String name) {
        StepSpec step = new StepSpec("only", "noop", null, null, null, null, null, null, null, null, null);
        return jobs.submit(new JobSpec(name, 0, null, null, List.of(step), null, null), DistributionMode.LOCAL, Optional.empty(), name).jobId();
    }

    @BeforeEach
    void empty() {
        jdbi.useHandle(h -> h.execute("truncate job, step_attempt, node, schedule cascade; update scheduler_lease set holder = null, epoch = 0, expires_at = null, lapsed_holder = null, lapsed_heartbeat_at = null"));
    }
}
