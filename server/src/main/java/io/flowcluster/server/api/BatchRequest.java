package io.flowcluster.server.api;

import io.flowcluster.server.job.JobSpec;
import java.util.List;

/** {@code POST /api/v1/jobs/batch}: jobs submitted together, each with its own idempotency key. */
public record BatchRequest(List<Item> jobs) {

    /** One job, the same body as a single submission, and the key a single submission sends as Idempotency-Key. */
    public record Item(String idempotencyKey, JobSpec job) {
    }
}
