package io.flowcluster.operator.dependent;

import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.desired.ServerObjects;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The precondition of the generated API token: the spec names no Secret of the user's. */
public class GeneratesApiToken implements Condition<Object, FlowCluster> {

    @Override
    public boolean isMet(DependentResource<Object, FlowCluster> dependent, FlowCluster fc, Context<FlowCluster> context) {
        return ServerObjects.generatesToken(fc);
    }
}
