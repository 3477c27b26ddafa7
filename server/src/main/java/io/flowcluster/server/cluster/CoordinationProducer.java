package io.flowcluster.server.cluster;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.store.ClusterStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Picks the coordination backend named by {@code flow.coordination}. */
public class CoordinationProducer {

    @Produces
    @Singleton
    SchedulerLease schedulerLease(FlowConfig config, ClusterStore store, LocalNode node) {
        return switch (config.coordination()) {
            case "jdbc" -> new JdbcSchedulerLease(store, node, config);
            default -> throw new IllegalStateException(
                    "flow.coordination must be jdbc or kubernetes, was '" + config.coordination() + "'");
        };
    }
}
