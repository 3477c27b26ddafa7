package io.flowcluster.server.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowcluster.contract.CoordinationNames;
import io.flowcluster.contract.ServerSetting;
import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.store.ClusterStore;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;

/**
 * Picks the coordination backend named by {@code flow.coordination}. The Kubernetes client
 * is only created for {@code kubernetes}: a laptop needs no cluster.
 */
public class CoordinationProducer {

    private static final Duration PUBLISH_INTERVAL = Duration.ofSeconds(1);

    @Produces
    @Singleton
    SchedulerLease schedulerLease(FlowConfig config, ClusterStore store, LocalNode node, Instance<KubernetesClient> client) {
        return switch (mode(config)) {
            case ServerSetting.JDBC -> new JdbcSchedulerLease(store, node, config);
            default -> new KubernetesSchedulerLease(client.get(), namespace(config, client),
                    CoordinationNames.schedulerLease(config.cluster().name()), node.id(),
                    config.scheduler().leaseDuration(), store);
        };
    }

    /** With jdbc coordination every live member belongs to the ring. */
    @Produces
    @Singleton
    RingSource ringSource(FlowConfig config, Instance<KubernetesClient> client) {
        return switch (mode(config)) {
            case ServerSetting.JDBC -> Optional::empty;
            default -> new KubernetesRingSource(client.get(), namespace(config, client),
                    CoordinationNames.ring(config.cluster().name()));
        };
    }

    void closeRingSource(@Disposes RingSource source) throws Exception {
        if (source instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** With jdbc coordination the database row is the whole publication. */
    @Produces
    @Singleton
    StatePublisher statePublisher(FlowConfig config, Instance<KubernetesClient> client) {
        return switch (mode(config)) {
            case ServerSetting.JDBC -> state -> {
            };
            default -> new KubernetesStatePublisher(client.get(), namespace(config, client),
                    CoordinationNames.schedulerState(config.cluster().name()), config.cluster().name(), PUBLISH_INTERVAL);
        };
    }

    private static String mode(FlowConfig config) {
        String mode = config.coordination();
        if (!mode.equals(ServerSetting.JDBC) && !mode.equals(ServerSetting.KUBERNETES)) {
            throw new IllegalStateException("flow.coordination must be jdbc or kubernetes, was '" + mode + "'");
        }
        return mode;
    }

    private static String namespace(FlowConfig config, Instance<KubernetesClient> client) {
        return config.cluster().namespace().orElseGet(() -> client.get().getNamespace());
    }
}
