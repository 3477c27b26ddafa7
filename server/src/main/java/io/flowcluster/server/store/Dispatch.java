package io.flowcluster.server.store;

import java.util.UUID;

/**
 * The scheduler's decision: this step runs on {@code node}, and its job is owned by
 * {@code owner}. With {@code start} the step becomes RUNNING on the node at once (a free slot
 * waits for it, or it needs none); without, it waits DISPATCHED in the node's queue until a
 * slot frees there.
 */
public record Dispatch(UUID jobId, int index, String node, String owner, boolean holdsSlot, boolean start) {

    /** A step for a node's queue. */
    public Dispatch(UUID jobId, int index, String node, String owner) {
        this(jobId, index, node, owner, true, false);
    }

    public Dispatch starting() {
        return new Dispatch(jobId, index, node, owner, holdsSlot, true);
    }
}
