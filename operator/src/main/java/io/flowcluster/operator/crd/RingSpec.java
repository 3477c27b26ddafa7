package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RingSpec {

    @JsonPropertyDescription("Points per node on the hash ring; more spread jobs more evenly.")
    @Default(Defaults.VIRTUAL_NODES)
    @Min(1)
    @Max(4096)
    public Integer virtualNodes;
}
