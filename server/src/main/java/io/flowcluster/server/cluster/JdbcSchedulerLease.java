package io.flowcluster.server.cluster;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.store.ClusterStore;
import java.util.OptionalLong;

/** The scheduler lease as a database row: holder, expiry, and the epoch a takeover increments. */
public class JdbcSchedulerLease implements SchedulerLease {

    private final ClusterStore store;
    private final LocalNode node;
    private final FlowConfig config;

    public JdbcSchedulerLease(ClusterStore store, LocalNode node, FlowConfig config) {
        this.store = store;
        this.node = node;
        this.config = config;
    }

    @Override
    public OptionalLong holdOrTake() {
        return store.holdLease(node.id(), config.scheduler().leaseDuration());
    }

    @Override
    public void release() {
        store.releaseLease(node.id());
    }
}
