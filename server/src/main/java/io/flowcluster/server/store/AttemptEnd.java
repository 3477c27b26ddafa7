package io.flowcluster.server.store;

import java.util.UUID;

/** How one attempt at a step ended, to be recorded. */
public record AttemptEnd(UUID jobId, int index, int attempt, AttemptResult result) {
}
