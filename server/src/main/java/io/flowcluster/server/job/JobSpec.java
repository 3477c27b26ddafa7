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
        DistributionMode distribution) {

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
}
