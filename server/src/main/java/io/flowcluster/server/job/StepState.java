package io.flowcluster.server.job;

public enum StepState {
    /** Waiting for the steps it depends on. */
    PENDING,
    /** Runnable; waiting for the scheduler (and for its backoff, after a failed attempt). */
    READY,
    /** Given to a node by the scheduler; the node's worker has not claimed it yet. */
    DISPATCHED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** Not run because a step it depends on failed. */
    SKIPPED,
    ABORTED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == SKIPPED || this == ABORTED;
    }
}
