package io.flowcluster.server.store;

import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.StepSpec;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A step attempt this node has claimed and must run. {@code startsJob} is set on the claim
 * that moved its job from PENDING to RUNNING.
 */
public record Claim(
        UUID jobId,
        String jobName,
        int index,
        int attempt,
        StepSpec spec,
        Map<String, String> parameters,
        int priority,
        long jobSeq,
        Instant submittedAt,
        DistributionMode distribution,
        boolean startsJob) {

    /** The same claim, for a step that did not start its job. */
    Claim notStartingJob() {
        return new Claim(jobId, jobName, index, attempt, spec, parameters, priority, jobSeq, submittedAt, distribution, false);
    }
}
