package io.flowcluster.operator.desired;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.flowcluster.operator.crd.FlowCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything a FlowCluster owns besides the server's StatefulSet (which the scale-down steps
 * decide) and the ring (which the Ready pods decide), each with what the operator does with
 * it. Pure: the reconciler applies the list in its order.
 */
public final class OwnedObjects {

    /** What the operator does with an owned object. */
    public enum Action {
        /** Kept as desired: created, and updated when its desired content changes. */
        APPLY,
        /** Created once, then left to its writers (the nodes) or kept as generated (secrets). */
        CREATE,
        /** Removed: the spec no longer asks for it. */
        DELETE
    }

    public record Owned(HasMetadata object, Action action) {
    }

    private OwnedObjects() {
    }

    /** {@code secrets} makes a random secret; it is used only where one is created. */
    public static List<Owned> of(FlowCluster fc, Supplier<String> secrets) {
        List<Owned> owned = new ArrayList<>();
        if (ServerObjects.generatesToken(fc)) {
            owned.add(new Owned(CoordinationObjects.apiToken(fc, secrets.get()), Action.CREATE));
        }
        if (DatabaseObjects.embedded(fc)) {
            owned.add(new Owned(DatabaseObjects.credentials(fc, secrets.get()), Action.CREATE));
            owned.add(new Owned(DatabaseObjects.service(fc), Action.APPLY));
            owned.add(new Owned(DatabaseObjects.statefulSet(fc), Action.APPLY));
        } else {
            // switched to an external database: stop the embedded one (its volume goes with it)
            owned.add(new Owned(DatabaseObjects.statefulSet(fc), Action.DELETE));
            owned.add(new Owned(DatabaseObjects.service(fc), Action.DELETE));
        }
        owned.add(new Owned(ServerObjects.serviceAccount(fc), Action.APPLY));
        owned.add(new Owned(ServerObjects.role(fc), Action.APPLY));
        owned.add(new Owned(ServerObjects.roleBinding(fc), Action.APPLY));
        owned.add(new Owned(ServerObjects.config(fc), Action.APPLY));
        owned.add(new Owned(ServerObjects.clientService(fc), Action.APPLY));
        owned.add(new Owned(ServerObjects.headlessService(fc), Action.APPLY));
        owned.add(new Owned(ServerObjects.disruptionBudget(fc), Action.APPLY));
        owned.add(new Owned(CoordinationObjects.schedulerLease(fc), Action.CREATE));
        owned.add(new Owned(CoordinationObjects.schedulerState(fc), Action.CREATE));
        return owned;
    }
}
