package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.flowcluster.operator.crd.FlowCluster;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import java.util.function.Function;

/** An object a FlowCluster owns, as its pure builder in {@code desired} makes it from the spec. */
abstract class Declared<R extends HasMetadata> extends KubernetesDependentResource<R, FlowCluster> {

    private final Function<FlowCluster, R> builder;

    Declared(Class<R> type, Function<FlowCluster, R> builder) {
        super(type);
        this.builder = builder;
    }

    @Override
    protected R desired(FlowCluster fc, Context<FlowCluster> context) {
        return build(fc);
    }

    /** The object as the spec alone makes it. */
    final R build(FlowCluster fc) {
        return builder.apply(fc);
    }
}
