package io.flowcluster.server.store;

import java.util.Optional;
import java.util.UUID;

/**
 * The outcome of a submit: the job's id, and the job as this request stored it; empty when a
 * submission with the same idempotency key stored it before.
 */
public record Submission(UUID jobId, Optional<SubmittedJob> createdAs) {

    public boolean created() {
        return createdAs.isPresent();
    }
}
