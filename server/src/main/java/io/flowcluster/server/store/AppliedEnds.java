package io.flowcluster.server.store;

import java.util.Map;

/**
 * What applying the recorded ends did: how many ends moved their steps on, and how many task
 * slots they freed on each node (the scheduler counts them free without reading the nodes).
 */
public record AppliedEnds(int applied, Map<String, Integer> freedSlots) {

    static final AppliedEnds NONE = new AppliedEnds(0, Map.of());
}
