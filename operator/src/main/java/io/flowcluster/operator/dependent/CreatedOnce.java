package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.flowcluster.operator.crd.FlowCluster;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import java.util.function.Function;

/**
 * An owned object created once and then left to its writers (the nodes write the scheduler
 * Lease and state) or kept as generated (secrets): never updated, and left in place when its
 * precondition stops holding. Its owner reference takes it away with the FlowCluster.
 */
abstract class CreatedOnce<R extends HasMetadata> extends Declared<R> implements Creator<R, FlowCluster> {

    CreatedOnce(Class<R> type, Function<FlowCluster, R> builder) {
        super(type, builder);
    }
}
