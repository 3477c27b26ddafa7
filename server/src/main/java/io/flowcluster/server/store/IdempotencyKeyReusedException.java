package io.flowcluster.server.store;

import java.util.UUID;

/** An Idempotency-Key was sent again with a different request body. */
public class IdempotencyKeyReusedException extends RuntimeException {

    private final UUID existingJob;
    private final int index;

    public IdempotencyKeyReusedException(UUID existingJob) {
        this(existingJob, -1);
    }

    private IdempotencyKeyReusedException(UUID existingJob, int index) {
        super("this Idempotency-Key was used for job " + existingJob + " with a different request body");
        this.existingJob = existingJob;
        this.index = index;
    }

    /** The same, saying which of the jobs stored together it was. */
    IdempotencyKeyReusedException at(int index) {
        return new IdempotencyKeyReusedException(existingJob, index);
    }

    public UUID existingJob() {
        return existingJob;
    }

    /** Its position among the jobs stored together; -1 when stored alone. */
    public int index() {
        return index;
    }
}
