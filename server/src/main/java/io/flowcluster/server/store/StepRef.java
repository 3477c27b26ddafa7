package io.flowcluster.server.store;

import io.flowcluster.server.job.StepKind;

/** Where a step stands in its job and what kind it is, without its definition. */
public record StepRef(int index, StepKind kind) {
}
