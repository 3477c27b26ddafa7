package io.flowcluster.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterSpec;
import io.flowcluster.operator.desired.Names;

/** Plays the StatefulSet controller and the kubelet, which the mock API server does not have. */
final class OperatorTestSupport {

    private OperatorTestSupport() {
    }

    static FlowCluster flowCluster(String namespace, String name, int replicas) {
        FlowCluster fc = new FlowCluster();
        fc.getMetadata().setName(name);
        fc.getMetadata().setNamespace(namespace);
        fc.setSpec(new FlowClusterSpec());
        fc.getSpec().replicas = replicas;
        return fc;
    }

    /** A server pod of the cluster, Ready or not. */
    static void pod(KubernetesClient client, FlowCluster fc, int ordinal, boolean ready) {
        String name = fc.getMetadata().getName() + "-" + ordinal;
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(fc.getMetadata().getNamespace())
                .withLabels(Names.labels(fc, Names.SERVER)).endMetadata()
                .withNewSpec().addNewContainer().withName("server").withImage("x").endContainer().endSpec()
                .withNewStatus().withConditions(new PodConditionBuilder().withType("Ready")
                        .withStatus(ready ? "True" : "False").build()).endStatus()
                .build();
        client.resource(pod).createOr(p -> p.update());
    }
}
