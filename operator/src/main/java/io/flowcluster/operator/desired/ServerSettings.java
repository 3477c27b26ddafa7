package io.flowcluster.operator.desired;

import static io.flowcluster.operator.crd.Defaults.orDefault;

import io.flowcluster.contract.ServerSetting;
import io.flowcluster.operator.crd.Defaults;
import io.flowcluster.operator.crd.DistributionSpec;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterSpec;
import io.flowcluster.operator.crd.PlacementSpec;
import io.flowcluster.operator.crd.RetentionSpec;
import io.flowcluster.operator.crd.RingSpec;
import io.flowcluster.operator.crd.SchedulerSpec;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The server settings a FlowCluster implies, as the environment of the server container
 * (the contract's {@link ServerSetting}s). Absent fields take the schema's defaults here, in
 * the operator's memory, never in the user's spec.
 */
public final class ServerSettings {

    /** Where per-job workspaces live: an emptyDir, the root filesystem is read-only. */
    public static final String WORK_DIR = "/work";
    /** The server drains this long on SIGTERM; the pod's grace period adds a margin. */
    public static final int DRAIN_SECONDS = 20;

    private ServerSettings() {
    }

    public static Map<String, String> of(FlowCluster fc) {
        FlowClusterSpec spec = fc.getSpec();
        SchedulerSpec scheduler = Optional.ofNullable(spec.scheduler).orElseGet(SchedulerSpec::new);
        RingSpec ring = Optional.ofNullable(spec.ring).orElseGet(RingSpec::new);
        PlacementSpec placement = Optional.ofNullable(spec.placement).orElseGet(PlacementSpec::new);
        DistributionSpec distribution = Optional.ofNullable(spec.distribution).orElseGet(DistributionSpec::new);
        RetentionSpec retention = Optional.ofNullable(spec.retention).orElseGet(RetentionSpec::new);
        Map<ServerSetting, String> settings = new EnumMap<>(ServerSetting.class);
        settings.put(ServerSetting.COORDINATION, ServerSetting.KUBERNETES);
        settings.put(ServerSetting.CLUSTER_NAME, fc.getMetadata().getName());
        settings.put(ServerSetting.SCHEDULER_LEASE_DURATION, orDefault(scheduler.leaseDuration, Defaults.LEASE_DURATION));
        settings.put(ServerSetting.SCHEDULER_RENEW_INTERVAL, orDefault(scheduler.renewInterval, Defaults.RENEW_INTERVAL));
        settings.put(ServerSetting.SCHEDULER_DISPATCH_AHEAD, Integer.toString(orDefault(scheduler.dispatchAhead, Defaults.DISPATCH_AHEAD)));
        settings.put(ServerSetting.RING_VIRTUAL_NODES, Integer.toString(orDefault(ring.virtualNodes, Defaults.VIRTUAL_NODES)));
        settings.put(ServerSetting.PLACEMENT_STRATEGY, placement.strategy == null ? Defaults.PLACEMENT
                : placement.strategy == PlacementSpec.Strategy.HASH ? "hash" : "bounded-load");
        settings.put(ServerSetting.PLACEMENT_LOAD_FACTOR, Double.toString(orDefault(placement.loadFactor, Defaults.LOAD_FACTOR)));
        settings.put(ServerSetting.DISTRIBUTION_MODE, distribution.mode == null ? Defaults.DISTRIBUTION_MODE : distribution.mode.name());
        settings.put(ServerSetting.DISTRIBUTION_PACKET_SIZE, Integer.toString(orDefault(distribution.packetSize, Defaults.PACKET_SIZE)));
        settings.put(ServerSetting.DISTRIBUTION_REMOTE_BIAS, Integer.toString(orDefault(distribution.remoteBias, Defaults.REMOTE_BIAS)));
        settings.put(ServerSetting.DISTRIBUTION_TASK_QUEUE_SIZE,
                Integer.toString(orDefault(distribution.taskQueueSize, Defaults.TASK_QUEUE_SIZE)));
        settings.put(ServerSetting.WORKER_TASK_POOL_SIZE, Integer.toString(orDefault(distribution.taskPoolSize, Defaults.TASK_POOL_SIZE)));
        settings.put(ServerSetting.WORKER_WORK_DIR, WORK_DIR);
        settings.put(ServerSetting.WORKER_DRAIN_TIMEOUT, DRAIN_SECONDS + "s");
        settings.put(ServerSetting.WORKER_MAX_LOG_BYTES,
                Integer.toString(orDefault(retention.logBytesPerAttempt, Defaults.LOG_BYTES_PER_ATTEMPT)));
        settings.put(ServerSetting.RETENTION_FINISHED, orDefault(retention.finished, Defaults.RETENTION_FINISHED));
        Map<String, String> env = new TreeMap<>();
        settings.forEach((setting, value) -> env.put(setting.env(), value));
        return env;
    }
}
