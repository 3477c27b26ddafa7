package io.flowcluster.operator.desired;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.flowcluster.contract.DesiredRing;
import io.flowcluster.operator.crd.Defaults;
import io.flowcluster.operator.crd.FlowCluster;
import java.util.Map;

/**
 * Objects the operator creates once and then leaves to their writers: the scheduler Lease
 * and state ConfigMap (the nodes update them; creating them here lets the nodes' Role name
 * them), the ring ConfigMap (rewritten by the ring logic), the generated API token.
 */
public final class CoordinationObjects {

    private CoordinationObjects() {
    }

    public static Lease schedulerLease(FlowCluster fc) {
        return new LeaseBuilder().withMetadata(Meta.of(fc, Names.schedulerLease(fc), Names.SERVER)).withNewSpec().endSpec().build();
    }

    public static ConfigMap schedulerState(FlowCluster fc) {
        return new ConfigMapBuilder().withMetadata(Meta.of(fc, Names.schedulerState(fc), "scheduler-state")).build();
    }

    public static ConfigMap ring(FlowCluster fc, DesiredRing ring) {
        return new ConfigMapBuilder().withMetadata(Meta.of(fc, Names.ring(fc), "ring")).withData(ring.toData()).build();
    }

    public static Secret apiToken(FlowCluster fc, String token) {
        return new SecretBuilder().withMetadata(Meta.of(fc, Names.apiToken(fc), Names.SERVER))
                .withStringData(Map.of(Defaults.TOKEN_KEY, token)).build();
    }
}
