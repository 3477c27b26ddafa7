package io.flowcluster.server.node;

/**
 * Elapsed time, for the timeouts a node keeps by itself (its lease, its contact with the
 * database). Monotonic, as {@link System#nanoTime()}; tests pass one they move by hand.
 */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
