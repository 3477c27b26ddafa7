package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import io.flowcluster.contract.Durations;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlowClusterSpec {

    @JsonPropertyDescription("Number of server nodes. Lowering it drains the leaving nodes first.")
    @Default(Defaults.REPLICAS)
    @Min(1)
    @SpecReplicas
    public Integer replicas;

    @JsonPropertyDescription("The flow server image: [registry[:port]/]path[:tag][@sha256:digest].")
    @Default(Defaults.IMAGE)
    @Pattern(Defaults.IMAGE_PATTERN)
    public String image;

    @JsonPropertyDescription("When to pull the image: Always, IfNotPresent or Never.")
    @Default(Defaults.IMAGE_PULL_POLICY)
    public PullPolicy imagePullPolicy;

    @JsonPropertyDescription("Secrets for pulling the image from a private registry.")
    public List<LocalObjectReference> imagePullSecrets;

    @JsonPropertyDescription("CPU and memory of each server container.")
    public ResourceRequirements resources;

    @JsonPropertyDescription("Scheduler lease timings, and how many steps a node may hold queued.")
    public SchedulerSpec scheduler;

    @JsonPropertyDescription("The consistent-hash ring.")
    public RingSpec ring;

    @JsonPropertyDescription("How jobs are placed on nodes.")
    public PlacementSpec placement;

    @JsonPropertyDescription("How one job's work is spread: LOCAL (all on its owner) or DISTRIBUTED (packets over the cluster).")
    public DistributionSpec distribution;

    @JsonPropertyDescription("How long finished jobs and how much of each step's output are kept.")
    public RetentionSpec retention;

    @JsonPropertyDescription("The PostgreSQL that holds all state: embedded (managed by the operator, the default) or external.")
    public DatabaseSpec database;

    @JsonPropertyDescription("The REST API.")
    public ApiSpec api;

    @JsonPropertyDescription("Overrides for the server pods.")
    public PodOverrides pod;

    @JsonPropertyDescription("The PodDisruptionBudget of the server pods.")
    public DisruptionBudgetSpec podDisruptionBudget;

    @JsonPropertyDescription("The client Service.")
    public ServiceSpec service;

    @JsonPropertyDescription("On scale-down, how long to wait for the leaving nodes to drain before removing them anyway.")
    @Default(Defaults.DRAIN_TIMEOUT)
    @Pattern(Durations.SETTING_PATTERN)
    public String drainTimeout;

    public enum PullPolicy {
        Always, IfNotPresent, Never
    }
}
