package io.flowcluster.server.store;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What applying the recorded ends did: how many ends moved their steps on, how many task slots
 * they freed on each node (the scheduler counts them free without reading the nodes), and the
 * shortest retry backoff they started (the scheduler wakes when it ends).
 */
public record AppliedEnds(int applied, Map<String, Integer> freedSlots, Optional<Duration> shortestBackoff) {

    static final AppliedEnds NONE = new AppliedEnds(0, Map.of(), Optional.empty());
}
