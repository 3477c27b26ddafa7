package io.flowcluster.contract;

import java.util.Locale;

/**
 * The server settings that others set: the operator in the server's environment, the local
 * cluster launcher in its nodes'. Each is a key of the server's configuration
 * ({@code flow.…}), passed as its environment name ({@code FLOW_…}); a name the server does
 * not read would be dropped without a word, so the server's tests check every one here.
 */
public enum ServerSetting {
    NODE_ID("flow.node.id"),
    CLUSTER_NAME("flow.cluster.name"),
    COORDINATION("flow.coordination"),
    API_TOKEN("flow.api.token"),
    RING_VIRTUAL_NODES("flow.ring.virtual-nodes"),
    PLACEMENT_STRATEGY("flow.placement.strategy"),
    PLACEMENT_LOAD_FACTOR("flow.placement.load-factor"),
    SCHEDULER_LEASE_DURATION("flow.scheduler.lease-duration"),
    SCHEDULER_RENEW_INTERVAL("flow.scheduler.renew-interval"),
    SCHEDULER_DISPATCH_AHEAD("flow.scheduler.dispatch-ahead"),
    WORKER_TASK_POOL_SIZE("flow.worker.task-pool-size"),
    WORKER_WORK_DIR("flow.worker.work-dir"),
    WORKER_DRAIN_TIMEOUT("flow.worker.drain-timeout"),
    WORKER_HIDDEN_PATHS("flow.worker.hidden-paths"),
    WORKER_MAX_LOG_BYTES("flow.worker.max-log-bytes"),
    RETENTION_FINISHED("flow.retention.finished"),
    DISTRIBUTION_MODE("flow.distribution.mode"),
    DISTRIBUTION_PACKET_SIZE("flow.distribution.packet-size"),
    DISTRIBUTION_REMOTE_BIAS("flow.distribution.remote-bias"),
    DISTRIBUTION_TASK_QUEUE_SIZE("flow.distribution.task-queue-size");

    /** Values of {@link #COORDINATION}. */
    public static final String KUBERNETES = "kubernetes";
    public static final String JDBC = "jdbc";

    private final String key;

    ServerSetting(String key) {
        this.key = key;
    }

    /** The configuration key: {@code flow.distribution.task-queue-size}. */
    public String key() {
        return key;
    }

    /** The environment variable that sets it: {@code FLOW_DISTRIBUTION_TASK_QUEUE_SIZE}. */
    public String env() {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
