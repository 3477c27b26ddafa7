package io.flowcluster.server.ring;

import java.util.Set;

/** The membership the operator wants (the ring ConfigMap): members, those draining, and its epoch. */
public record DesiredRing(long epoch, Set<String> members, Set<String> draining) {

    public DesiredRing {
        members = Set.copyOf(members);
        draining = Set.copyOf(draining);
    }
}
