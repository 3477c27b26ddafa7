package io.flowcluster.server.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.flowcluster.contract.DesiredRing;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** The operator's ring ConfigMap, watched: the scheduler reads the cached copy at every pass. */
public class KubernetesRingSource implements RingSource, AutoCloseable {

    private final SharedIndexInformer<ConfigMap> informer;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public KubernetesRingSource(KubernetesClient client, String namespace, String name) {
        this.informer = client.configMaps().inNamespace(namespace).withName(name).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap obj) {
                changed();
            }

            @Override
            public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                changed();
            }

            @Override
            public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                changed();
            }
        });
    }

    @Override
    public Optional<DesiredRing> desired() {
        return informer.getStore().list().stream().findFirst().flatMap(cm -> DesiredRing.fromData(cm.getData()));
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    @Override
    public void close() {
        informer.close();
    }
}
