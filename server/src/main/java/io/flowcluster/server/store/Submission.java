package io.flowcluster.server.store;

import java.util.UUID;

/** The outcome of a submit: the job's id, and whether this request created it. */
public record Submission(UUID jobId, boolean created) {
}
