package io.flowcluster.operator.dependent;

import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.desired.DatabaseObjects;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The precondition of the embedded database's objects: no external database is given. */
public class EmbeddedDatabase implements Condition<Object, FlowCluster> {

    @Override
    public boolean isMet(DependentResource<Object, FlowCluster> dependent, FlowCluster fc, Context<FlowCluster> context) {
        return DatabaseObjects.embedded(fc);
    }
}
