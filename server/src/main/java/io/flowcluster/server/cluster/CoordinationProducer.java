package io.flowcluster.server.cluster;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.store.ClusterStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Picks the coordination backend named by {@code flow.coordination}. */
public class CoordinationProducer {

    @Produces
    @Singleton
    SchedulerLease schedulerLease(FlowConfig config, ClusterStore store, LocalNode node) {
        return switch (config.coordination()) {
            case "jdbc" -> new JdbcSchedulerLease(store, node, config);
            default -> throw unknown(config);
        };
    }

    /** With jdbc coordination every live member belongs to the ring. */
    @Produces
    @Singleton
    RingSource ringSource(FlowConfig config) {
        return switch (config.coordination()) {
            case "jdbc" -> Optional::empty;
            default -> throw unknown(config);
        };
    }

    /** With jdbc coordination the database row is the whole publication. */
    @Produces
    @Singleton
    StatePublisher statePublisher(FlowConfig config) {
        return switch (config.coordination()) {
            case "jdbc" -> state -> {
            };
            default -> throw unknown(config);
        };
    }

    private static IllegalStateException unknown(FlowConfig config) {
        return new IllegalStateException(
                "flow.coordination must be jdbc or kubernetes, was '" + config.coordination() + "'");
    }
}
