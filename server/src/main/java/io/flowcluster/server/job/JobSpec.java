package io.flowcluster.server.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** A job as submitted: the request body of {@code POST /api/v1/jobs}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(
        String name,
        Integer priority,
        Map<String, String> labels,
        Map<String, String> parameters,
        List<StepSpec> steps,
        DistributionMode distribution,
        /** How long the job is kept once it has ended (a duration); the cluster's {@code flow.retention.finished} if absent. */
        String retention) {

    public DistributionMode distributionOr(DistributionMode clusterDefault) {
        return distribution == null ? clusterDefault : distribution;
    }

    public int effectivePriority() {
        return priority == null ? 0 : priority;
    }

    public Map<String, String> effectiveLabels() {
        return labels == null ? Map.of() : labels;
    }

    public Map<String, String> effectiveParameters() {
        return parameters == null ? Map.of() : parameters;
    }

    /**
     * The same job with every default written out, so that a field left out and the same
     * field given its default value compare equal (an Idempotency-Key replay).
     */
    public JobSpec withDefaults(DistributionMode clusterDefault) {
        return new JobSpec(name, effectivePriority(), effectiveLabels(), effectiveParameters(),
                steps == null ? List.of() : steps.stream().map(s -> s == null ? null : s.withDefaults()).toList(),
                distributionOr(clusterDefault), retention);
    }
}
