package io.flowcluster.server.cluster;

import io.flowcluster.server.node.Ticker;
import java.time.Duration;

/** A ticker the test moves. */
final class ManualTicker implements Ticker {

    private long nanos = 1_000_000_000L;

    @Override
    public long nanos() {
        return nanos;
    }

    void advance(Duration d) {
        nanos += d.toNanos();
    }
}
