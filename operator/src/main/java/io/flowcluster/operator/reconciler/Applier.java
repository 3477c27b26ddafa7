package io.flowcluster.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowcluster.operator.desired.Hashes;
import io.flowcluster.operator.desired.StatefulSets;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the two objects a reconciliation decides from what it observes: the ring and the
 * server's StatefulSet (what the spec alone decides is a declared dependent). An object is
 * written only when its desired content changed (a digest kept in an annotation), so a
 * reconciliation that finds nothing new writes nothing, and fields the API server fills in
 * are not fought over.
 */
final class Applier {

    private final KubernetesClient client;

    Applier(KubernetesClient client) {
        this.client = client;
    }

    /** Creates, or updates when its desired content changed. */
    <T extends HasMetadata> void apply(T desired) {
        String hash = Hashes.of(desired);
        Map<String, String> annotations = new HashMap<>(desired.getMetadata().getAnnotations() == null
                ? Map.of() : desired.getMetadata().getAnnotations());
        annotations.put(Hashes.DESIRED_HASH, hash);
        desired.getMetadata().setAnnotations(annotations);
        T existing = client.resource(desired).get();
        if (existing == null) {
            client.resource(desired).create();
            return;
        }
        Map<String, String> current = existing.getMetadata().getAnnotations();
        if (current != null && hash.equals(current.get(Hashes.DESIRED_HASH))) {
            return;
        }
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        keepAllocated(existing, desired);
        client.resource(desired).update();
    }

    private static void keepAllocated(HasMetadata existing, HasMetadata desired) {
        if (existing instanceof StatefulSet was && desired instanceof StatefulSet will) {
            StatefulSets.keepImmutable(was, will);
        }
    }
}
