package io.flowcluster.server.store;

import java.util.List;

/** A job with its steps, as the transaction that created it stored them. */
public record SubmittedJob(StoredJob job, List<StoredStep> steps) {
}
