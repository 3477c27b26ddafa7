package io.flowcluster.server.store;

import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

public record StoredJob(
        UUID id,
        long seq,
        String name,
        int priority,
        Map<String, String> labels,
        Map<String, String> parameters,
        JobState state,
        String ownerNode,
        DistributionMode distribution,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        /** How long the job is kept once it has ended. */
        Duration retention,
        /** When it will be deleted; null until it ends. */
        Instant expiresAt,
        /** The schedule and tick that made it; null for a job submitted. */
        ScheduleTick schedule) {
}
