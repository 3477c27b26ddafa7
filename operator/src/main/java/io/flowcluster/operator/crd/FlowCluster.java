package io.flowcluster.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A FlowCluster: the flow server nodes, their database, and how they coordinate. Its name
 * becomes the prefix of every object it owns (the longest, {@code <name>-scheduler-state},
 * and label values such as a StatefulSet's revision hash must stay within 63 characters).
 */
@Group("flowcluster.io")
@Version("v1alpha1")
@ShortNames("fc")
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".spec.replicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyReplicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Leader", jsonPath = ".status.scheduler.leader", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ring Epoch", jsonPath = ".status.ring.epoch", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(value = "self.metadata.name.size() <= " + FlowCluster.MAX_NAME_LENGTH
        + " && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
        message = "metadata.name must be at most " + FlowCluster.MAX_NAME_LENGTH + " lowercase letters, digits and '-', starting "
                + "with a letter and ending with a letter or digit: it names the Services, the StatefulSet and the other objects it owns")
public class FlowCluster extends CustomResource<FlowClusterSpec, FlowClusterStatus> implements Namespaced {

    /** 63 less the longest suffix an owned object's name or label value adds. */
    public static final int MAX_NAME_LENGTH = 40;
}
