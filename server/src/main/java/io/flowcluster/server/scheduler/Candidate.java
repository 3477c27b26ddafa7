package io.flowcluster.server.scheduler;

import java.util.UUID;

/** A runnable step, and the node that owns its job (null while the job has no owner yet). */
public record Candidate(UUID jobId, int index, String owner) {
}
