package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DistributionSpec {

    @JsonPropertyDescription("Mode of jobs that do not choose one. LOCAL: all of a job's work runs on its owner. DISTRIBUTED: the owner deals the packets of its fanout steps over the cluster, and its command steps run wherever a slot is free.")
    @Default(Defaults.DISTRIBUTION_MODE)
    public Mode mode;

    @JsonPropertyDescription("Items of a fanout step per packet.")
    @Default(Defaults.PACKET_SIZE)
    @Min(1)
    public Integer packetSize;

    @JsonPropertyDescription("From this many ring members on, a coordinator keeps half a share of packets for itself, and DISTRIBUTED jobs' steps go to other nodes first.")
    @Default(Defaults.REMOTE_BIAS)
    @Min(0)
    public Integer remoteBias;

    @JsonPropertyDescription("Steps each node runs at once; as many threads run fanout packets.")
    @Default(Defaults.TASK_POOL_SIZE)
    @Min(1)
    public Integer taskPoolSize;

    @JsonPropertyDescription("Packets queued per node beyond what its task pool runs; 0 means unbounded. Packets wait undealt while every queue is full.")
    @Default(Defaults.TASK_QUEUE_SIZE)
    @Min(0)
    public Integer taskQueueSize;

    public enum Mode {
        LOCAL, DISTRIBUTED
    }
}
