package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DisruptionBudgetSpec {

    @JsonPropertyDescription("Server pods that may be down at once during voluntary disruptions.")
    @Default(Defaults.MAX_UNAVAILABLE)
    @Min(1)
    public Integer maxUnavailable;
}
