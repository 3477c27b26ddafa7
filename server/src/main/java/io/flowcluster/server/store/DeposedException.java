package io.flowcluster.server.store;

/** This node no longer holds the scheduler lease at the epoch it dispatched under. */
public class DeposedException extends RuntimeException {

    public DeposedException(String node, long epoch) {
        super("node " + node + " no longer holds the scheduler lease at epoch " + epoch);
    }
}
