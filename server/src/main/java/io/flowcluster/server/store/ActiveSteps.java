package io.flowcluster.server.store;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The steps dispatched or running right now: how many task slots they hold per node (a
 * running wait or fanout step holds none), and the jobs they belong to (a job with an active
 * step cannot change owner).
 */
public record ActiveSteps(Map<String, Integer> slotsByNode, Set<UUID> jobs) {
}
