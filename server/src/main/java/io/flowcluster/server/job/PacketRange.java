package io.flowcluster.server.job;

/** Packet {@code number} holds items {@code first} to {@code first + count - 1}. */
public record PacketRange(int number, int first, int count) {

    public static int packetsFor(int items, int packetSize) {
        return (items + packetSize - 1) / packetSize;
    }

    /** The packet {@code number} of {@code items} items cut into packets of {@code packetSize}. */
    public static PacketRange of(int number, int items, int packetSize) {
        int first = number * packetSize;
        return new PacketRange(number, first, Math.min(packetSize, items - first));
    }
}
