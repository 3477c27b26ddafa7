package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DistributionSpec {

    @JsonPropertyDescription("LOCAL: a job's steps run on its owner. DISTRIBUTED: the owner coordinates packets over the cluster.")
    @Default(Defaults.DISTRIBUTION_MODE)
    public Mode mode;

    @JsonPropertyDescription("Items per packet in DISTRIBUTED mode.")
    @Default(Defaults.PACKET_SIZE)
    @Min(1)
    public Integer packetSize;

    @JsonPropertyDescription("From this many nodes on, a coordinator prefers remote nodes for packets.")
    @Default(Defaults.REMOTE_BIAS)
    @Min(0)
    public Integer remoteBias;

    @JsonPropertyDescription("Steps (or packets) each node runs at once.")
    @Default(Defaults.TASK_POOL_SIZE)
    @Min(1)
    public Integer taskPoolSize;

    @JsonPropertyDescription("Packets each node queues; 0 means unbounded. A full queue pushes back.")
    @Default(Defaults.TASK_QUEUE_SIZE)
    @Min(0)
    public Integer taskQueueSize;

    public enum Mode {
        LOCAL, DISTRIBUTED
    }
}
