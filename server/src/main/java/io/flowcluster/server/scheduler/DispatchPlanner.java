package io.flowcluster.server.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Decides which runnable steps go where in one scheduler pass. Pure: candidates arrive in
 * dispatch order (priority, then submission, then step order) and each takes a free slot of
 * its job's owner, so a node's free slots always go to its most urgent steps.
 */
public final class DispatchPlanner {

    private DispatchPlanner() {
    }

    /**
     * @param ordered   runnable steps, most urgent first
     * @param freeSlots free task slots per live node; a node not listed takes nothing
     * @param placeJob  owner for a job that has none yet
     */
    public static List<Dispatch> plan(List<Candidate> ordered, Map<String, Integer> freeSlots,
            Function<UUID, String> placeJob) {
        Map<String, Integer> free = new HashMap<>(freeSlots);
        Map<UUID, String> placed = new HashMap<>();
        int remaining = free.values().stream().mapToInt(i -> Math.max(0, i)).sum();
        List<Dispatch> plan = new ArrayList<>();
        for (Candidate c : ordered) {
            if (remaining == 0) {
                break;
            }
            String node = c.owner() != null ? c.owner() : placed.computeIfAbsent(c.jobId(), placeJob);
            int slots = free.getOrDefault(node, 0);
            if (slots > 0) {
                free.put(node, slots - 1);
                remaining--;
                plan.add(new Dispatch(c.jobId(), c.index(), node));
            }
        }
        return plan;
    }
}
