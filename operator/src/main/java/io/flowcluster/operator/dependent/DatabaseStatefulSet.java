package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.desired.DatabaseObjects;
import io.flowcluster.operator.desired.Names;
import io.flowcluster.operator.desired.StatefulSets;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * The embedded database; deleted (its volume with it) when the spec switches to an external
 * database. Its immutable fields stay as first created.
 */
public class DatabaseStatefulSet extends Kept<StatefulSet> {

    public DatabaseStatefulSet() {
        super(StatefulSet.class, DatabaseObjects::statefulSet);
    }

    @Override
    protected StatefulSet desired(FlowCluster fc, Context<FlowCluster> context) {
        StatefulSet desired = super.desired(fc, context);
        // from the cache by name: asking the dependent for its secondary would call desired() again
        return context.getSecondaryResourcesAsStream(StatefulSet.class)
                .filter(s -> Names.database(fc).equals(s.getMetadata().getName()))
                .findFirst()
                .map(stored -> StatefulSets.keepImmutable(stored, desired))
                .orElse(desired);
    }
}
