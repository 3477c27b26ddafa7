package io.flowcluster.server.store;

import java.util.UUID;

/** An Idempotency-Key was sent again with a different request body. */
public class IdempotencyKeyReusedException extends RuntimeException {

    private final UUID existingJob;

    public IdempotencyKeyReusedException(UUID existingJob) {
        this(existingJob, "this Idempotency-Key was used for job " + existingJob + " with a different request body");
    }

    private IdempotencyKeyReusedException(UUID existingJob, String message) {
        super(message);
        this.existingJob = existingJob;
    }

    /** The same, saying which job of a batch it was. */
    IdempotencyKeyReusedException inBatchAt(int index) {
        return new IdempotencyKeyReusedException(existingJob, "jobs[" + index + "]: " + getMessage());
    }

    public UUID existingJob() {
        return existingJob;
    }
}
