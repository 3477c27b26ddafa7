package io.flowcluster.server.store;

import java.util.UUID;

/** An Idempotency-Key was sent again with a different request body. */
public class IdempotencyKeyReusedException extends RuntimeException {

    private final UUID existingJob;

    public IdempotencyKeyReusedException(UUID existingJob) {
        super("this Idempotency-Key was used for job " + existingJob + " with a different request body");
        this.existingJob = existingJob;
    }

    public UUID existingJob() {
        return existingJob;
    }
}
