package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.flowcluster.operator.crd.FlowCluster;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import java.util.function.Function;

/**
 * An owned object kept as declared: created, updated when it no longer matches (server-side
 * apply: fields the API server or others fill in are not fought over, a field someone changed
 * is taken back), deleted when its precondition stops holding.
 */
abstract class Kept<R extends HasMetadata> extends Declared<R>
        implements Creator<R, FlowCluster>, Updater<R, FlowCluster>, GarbageCollected<FlowCluster> {

    Kept(Class<R> type, Function<FlowCluster, R> builder) {
        super(type, builder);
    }
}
