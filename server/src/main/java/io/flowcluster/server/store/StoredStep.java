package io.flowcluster.server.store;

import io.flowcluster.server.job.StepSpec;
import io.flowcluster.server.job.StepState;
import java.time.Instant;

public record StoredStep(
        int index,
        StepSpec spec,
        StepState state,
        int attempt,
        String node,
        Instant notBefore,
        Instant startedAt,
        Instant finishedAt,
        Integer exitCode,
        String message) {
}
