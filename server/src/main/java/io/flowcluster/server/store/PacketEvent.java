package io.flowcluster.server.store;

/** Something that happened to a packet, for the coordinator's log. */
public record PacketEvent(Kind kind, int packetNo, int first, int count, String node, int attempt, long millis,
        int failedItems) {

    public enum Kind {
        /** Ran to its end on {@code node}, taking {@code millis}. */
        DONE,
        /** Was running on a node that died: it waits to be dealt again and runs with the next attempt. */
        LOST,
        /** Was queued on a node that died or left: it waits to be dealt again. */
        WITHDRAWN
    }
}
