package io.flowcluster.operator.desired;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.flowcluster.operator.crd.FlowCluster;

/** Metadata of an owned object: name, namespace, labels, and the FlowCluster as controller. */
final class Meta {

    private Meta() {
    }

    static ObjectMeta of(FlowCluster fc, String name, String component) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(fc.getMetadata().getNamespace())
                .withLabels(Names.labels(fc, component))
                .withOwnerReferences(Names.owner(fc))
                .build();
    }
}
