package io.flowcluster.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowcluster.operator.desired.Hashes;
import io.flowcluster.operator.desired.OwnedObjects;
import java.util.HashMap;
import java.util.Map;

/**
 * Brings owned objects to their desired state. An object is written only when its desired
 * content changed (a digest kept in an annotation), so a reconciliation that finds nothing
 * new writes nothing, and fields the API server fills in are not fought over.
 */
final class Applier {

    private final KubernetesClient client;

    Applier(KubernetesClient client) {
        this.client = client;
    }

    /** Does with an owned object what its declaration says. */
    void bring(OwnedObjects.Owned owned) {
        switch (owned.action()) {
            case APPLY -> apply(owned.object());
            case CREATE -> createIfAbsent(owned.object());
            case DELETE -> deleteIfPresent(owned.object());
        }
    }

    /** Creates or updates; returns whether it wrote. */
    <T extends HasMetadata> boolean apply(T desired) {
        String hash = Hashes.of(desired);
        Map<String, String> annotations = new HashMap<>(desired.getMetadata().getAnnotations() == null
                ? Map.of() : desired.getMetadata().getAnnotations());
        annotations.put(Hashes.DESIRED_HASH, hash);
        desired.getMetadata().setAnnotations(annotations);
        T existing = client.resource(desired).get();
        if (existing == null) {
            client.resource(desired).create();
            return true;
        }
        Map<String, String> current = existing.getMetadata().getAnnotations();
        if (current != null && hash.equals(current.get(Hashes.DESIRED_HASH))) {
            return false;
        }
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        keepAllocated(existing, desired);
        client.resource(desired).update();
        return true;
    }

    /** Creates the object only if it does not exist: generated secrets, objects others write. */
    <T extends HasMetadata> boolean createIfAbsent(T desired) {
        if (client.resource(desired).get() != null) {
            return false;
        }
        client.resource(desired).create();
        return true;
    }

    <T extends HasMetadata> void deleteIfPresent(T object) {
        client.resource(object).delete();
    }

    /**
     * What the API server allocated on a Service stays as it is, and so do a StatefulSet's
     * immutable fields: Kubernetes refuses to change its volume claim templates, so a new
     * {@code database.embedded.size} is not applied (resize the PersistentVolumeClaim itself).
     */
    private static void keepAllocated(HasMetadata existing, HasMetadata desired) {
        if (existing instanceof Service was && desired instanceof Service will && was.getSpec() != null) {
            will.getSpec().setClusterIP(was.getSpec().getClusterIP());
            will.getSpec().setClusterIPs(was.getSpec().getClusterIPs());
        }
        if (existing instanceof StatefulSet was && desired instanceof StatefulSet will && was.getSpec() != null) {
            will.getSpec().setVolumeClaimTemplates(was.getSpec().getVolumeClaimTemplates());
            will.getSpec().setSelector(was.getSpec().getSelector());
            will.getSpec().setServiceName(was.getSpec().getServiceName());
            will.getSpec().setPodManagementPolicy(was.getSpec().getPodManagementPolicy());
        }
    }
}
