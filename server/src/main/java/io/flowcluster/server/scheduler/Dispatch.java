package io.flowcluster.server.scheduler;

import java.util.UUID;

/** The scheduler's decision: this step runs on {@code node}, and its job is owned by {@code owner}. */
public record Dispatch(UUID jobId, int index, String node, String owner) {
}
