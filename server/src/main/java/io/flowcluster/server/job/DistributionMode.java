package io.flowcluster.server.job;

/** Where a job's work runs. */
public enum DistributionMode {
    /** Every step on the job's owner node (invariant 4). */
    LOCAL,
    /**
     * The owner coordinates: the items of its fanout steps go in packets to every node, and its
     * other steps run wherever a task slot is free.
     */
    DISTRIBUTED
}
