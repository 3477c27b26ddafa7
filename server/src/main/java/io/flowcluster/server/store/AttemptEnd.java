package io.flowcluster.server.store;

import io.flowcluster.server.job.AttemptResult;
import java.time.Instant;
import java.util.UUID;

/** How one attempt at a step ended, to be recorded: its attempt row is written once, now, with when it started. */
public record AttemptEnd(UUID jobId, int index, int attempt, AttemptResult result, Instant startedAt) {
}
