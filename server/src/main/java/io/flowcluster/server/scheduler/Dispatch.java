package io.flowcluster.server.scheduler;

import java.util.UUID;

/** The scheduler's decision: this step runs on this node. */
public record Dispatch(UUID jobId, int index, String node) {
}
