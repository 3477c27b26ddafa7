package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.flowcluster.operator.desired.ServerObjects;

/** The server pods' PodDisruptionBudget. */
public class ServerDisruptionBudget extends Kept<PodDisruptionBudget> {

    public ServerDisruptionBudget() {
        super(PodDisruptionBudget.class, ServerObjects::disruptionBudget);
    }
}
