package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlowClusterStatus {

    @JsonPropertyDescription("The generation of the spec this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Server pods that exist.")
    @StatusReplicas
    public Integer replicas;

    @JsonPropertyDescription("Server pods that are Ready.")
    public Integer readyReplicas;

    @JsonPropertyDescription("Label selector of the server pods (for the scale subresource).")
    @LabelSelector
    public String selector;

    @JsonPropertyDescription("The ring the operator published.")
    public RingStatus ring;

    @JsonPropertyDescription("The scheduler, from its Lease and what it published.")
    public SchedulerStatus scheduler;

    @JsonPropertyDescription("Per member, as the scheduler reports it.")
    public List<MemberStatus> members = new ArrayList<>();

    @JsonPropertyDescription("A scale-down waiting for its leaving members to drain.")
    public ScaleDownStatus scaleDown;

    @JsonPropertyDescription("Ready, Progressing, Degraded.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RingStatus {
        public Long epoch;
        public List<String> members = new ArrayList<>();
        public List<String> draining = new ArrayList<>();

        @Override
        public boolean equals(Object o) {
            return o instanceof RingStatus r && Objects.equals(epoch, r.epoch) && Objects.equals(members, r.members)
                    && Objects.equals(draining, r.draining);
        }

        @Override
        public int hashCode() {
            return Objects.hash(epoch, members, draining);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SchedulerStatus {
        @JsonPropertyDescription("The node holding the scheduler Lease.")
        public String leader;
        @JsonPropertyDescription("The scheduler's fencing epoch.")
        public Long epoch;
        @JsonPropertyDescription("When the leader acquired the Lease.")
        public String since;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ScaleDownStatus {
        public Integer from;
        public Integer to;
        @JsonPropertyDescription("When the leaving members started to drain.")
        public String since;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class MemberStatus {
        public String id;
        public Integer ownedJobs;
        public Integer runningSteps;
        public Boolean draining;
        public Boolean drained;
    }
}
