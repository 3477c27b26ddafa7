package io.flowcluster.server.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowcluster.contract.SchedulerState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Writes what the scheduler applied into a ConfigMap (key {@link SchedulerState#KEY}) for the
 * operator, when it changed and at most once per interval; a failed write is retried at a
 * later pass and never stops the scheduler.
 */
public class KubernetesStatePublisher implements StatePublisher {

    private static final Logger LOG = Logger.getLogger(KubernetesStatePublisher.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String cluster;
    private final Duration minInterval;
    private SchedulerState written;
    private long writtenAtNanos;
    private boolean warned;

    public KubernetesStatePublisher(KubernetesClient client, String namespace, String name, String cluster,
            Duration minInterval) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.cluster = cluster;
        this.minInterval = minInterval;
    }

    @Override
    public synchronized void publish(SchedulerState state) {
        if (state.equals(written) || (written != null && System.nanoTime() - writtenAtNanos < minInterval.toNanos())) {
            return;
        }
        try {
            write(state.toJson());
            written = state;
            writtenAtNanos = System.nanoTime();
            warned = false;
        } catch (KubernetesClientException e) {
            if (!warned) {
                LOG.warnf("Could not publish the scheduler state to ConfigMap %s/%s: %s (retrying)", namespace, name, e.getMessage());
                warned = true;
            }
        }
    }

    private void write(String stateJson) {
        ConfigMap existing = client.configMaps().inNamespace(namespace).withName(name).get();
        if (existing == null) {
            client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace)
                    .withLabels(Map.of("app.kubernetes.io/name", "flowcluster", "app.kubernetes.io/instance", cluster,
                            "app.kubernetes.io/component", "scheduler-state"))
                    .endMetadata()
                    .withData(Map.of(SchedulerState.KEY, stateJson))
                    .build()).create();
            return;
        }
        existing.setData(Map.of(SchedulerState.KEY, stateJson));
        existing.getMetadata().setAnnotations(Map.of("flowcluster.io/published-at", Instant.now().toString()));
        client.configMaps().inNamespace(namespace).resource(existing).update();
    }
}
