package io.flowcluster.operator.desired;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/** What an update of a StatefulSet must carry over from the stored one. */
public final class StatefulSets {

    private StatefulSets() {
    }

    /**
     * Kubernetes refuses to change a StatefulSet's volume claim templates, selector, service
     * name and pod management policy, so the desired one keeps the stored ones: a new
     * {@code database.embedded.size} is not applied (resize the PersistentVolumeClaim itself).
     */
    public static StatefulSet keepImmutable(StatefulSet stored, StatefulSet desired) {
        if (stored.getSpec() != null) {
            desired.getSpec().setVolumeClaimTemplates(stored.getSpec().getVolumeClaimTemplates());
            desired.getSpec().setSelector(stored.getSpec().getSelector());
            desired.getSpec().setServiceName(stored.getSpec().getServiceName());
            desired.getSpec().setPodManagementPolicy(stored.getSpec().getPodManagementPolicy());
        }
        return desired;
    }
}
