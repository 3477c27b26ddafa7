package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlacementSpec {

    @JsonPropertyDescription("hash (the ring owner) or bounded-load (no node above loadFactor times the average).")
    @Default(Defaults.PLACEMENT)
    public Strategy strategy;

    @JsonPropertyDescription("With bounded-load: the most a node may hold, as a multiple of the average.")
    @Default(Defaults.LOAD_FACTOR)
    @Min(1.0)
    @Max(10.0)
    public Double loadFactor;

    public enum Strategy {
        @JsonProperty("hash") HASH,
        @JsonProperty("bounded-load") BOUNDED_LOAD
    }
}
