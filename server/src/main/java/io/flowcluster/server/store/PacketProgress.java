package io.flowcluster.server.store;

/** Where a fanout step's packets stand, and how many of its items failed so far. */
public record PacketProgress(int total, int pending, int queued, int running, int done, int failedItems) {

    public boolean finished() {
        return total > 0 && done == total;
    }
}
