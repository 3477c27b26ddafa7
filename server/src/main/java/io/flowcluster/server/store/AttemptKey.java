package io.flowcluster.server.store;

import java.util.UUID;

/** One attempt at one step. */
public record AttemptKey(UUID jobId, int index, int attempt) {
}
