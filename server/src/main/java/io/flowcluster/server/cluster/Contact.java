package io.flowcluster.server.cluster;

import io.flowcluster.server.node.Ticker;
import java.time.Duration;

/**
 * When this node last reached the database, and whether it has been out of contact too long
 * to keep running steps: the others may count it dead soon, and run them again.
 */
final class Contact {

    private final Ticker ticker;
    private final Duration fenceAfter;
    /** When the last heartbeat that got through was sent: the database stamped it no earlier. */
    private volatile long lastNanos;

    Contact(Ticker ticker, Duration fenceAfter) {
        this.ticker = ticker;
        this.fenceAfter = fenceAfter;
        this.lastNanos = ticker.nanos();
    }

    /** Now, to stamp a heartbeat with before it is sent. */
    long now() {
        return ticker.nanos();
    }

    /** A heartbeat sent at {@code sentNanos} got through. */
    void reached(long sentNanos) {
        lastNanos = sentNanos;
    }

    boolean lost() {
        return ticker.nanos() - lastNanos > fenceAfter.toNanos();
    }

    Duration fenceAfter() {
        return fenceAfter;
    }
}
