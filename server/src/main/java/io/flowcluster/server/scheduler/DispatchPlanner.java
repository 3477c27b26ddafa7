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
 * its job's owner, so a node's free slots always go to its most urgent steps. The owner is
 * decided once per job and pass, so all of a job's steps go to one node.
 */
public final class DispatchPlanner {

    private DispatchPlanner() {
    }

    /**
     * @param ordered   runnable steps, most urgent first
     * @param freeSlots free task slots per live node; a node not listed takes nothing
     * @param ownerFor  the node a candidate's job runs on, asked once per job
     */
    public static List<Dispatch> plan(List<Candidate> ordered, Map<String, Integer> freeSlots,
            Function<Candidate, String> ownerFor) {
        Map<String, Integer> free = new HashMap<>(freeSlots);
        Map<UUID, String> placed = new HashMap<>();
        int remaining = free.values().stream().mapToInt(i -> Math.max(0, i)).sum();
        List<Dispatch> plan = new ArrayList<>();
        for (Candidate c : ordered) {
            if (remaining == 0) {
                break;
            }
            String node = placed.computeIfAbsent(c.jobId(), job -> ownerFor.apply(c));
            if (node == null) {
                continue;
            }
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
