package io.flowcluster.server.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * Decides which runnable steps go where in one scheduler pass. Pure: candidates arrive in
 * dispatch order (priority, then submission, then step order) and each takes a free slot of
 * its job's owner, so a node's free slots always go to its most urgent steps. The owner is
 * decided once per job and pass, so all of a LOCAL job's steps go to one node; the command
 * and noop steps of a DISTRIBUTED job take a free slot wherever there is one.
 */
public final class DispatchPlanner {

    private DispatchPlanner() {
    }

    /**
     * @param ordered      runnable steps, most urgent first
     * @param freeSlots    free task slots per live node; a node not listed takes nothing
     * @param ownerFor     the node a candidate's job runs on, asked once per job
     * @param preferRemote whether a spreadable step goes to another node than its owner when one
     *                     has a free slot (the remote bias: the owner also coordinates)
     */
    public static List<Dispatch> plan(List<Candidate> ordered, Map<String, Integer> freeSlots,
            Function<Candidate, String> ownerFor, boolean preferRemote) {
        Map<String, Integer> free = new TreeMap<>(freeSlots);
        Map<UUID, String> placed = new HashMap<>();
        int remaining = free.values().stream().mapToInt(i -> Math.max(0, i)).sum();
        List<Dispatch> plan = new ArrayList<>();
        for (Candidate c : ordered) {
            if (remaining == 0) {
                break;
            }
            String owner = placed.computeIfAbsent(c.jobId(), job -> ownerFor.apply(c));
            if (owner == null) {
                continue;
            }
            String node = c.spreadable() ? spread(owner, free, preferRemote) : owner;
            int slots = free.getOrDefault(node, 0);
            if (slots > 0) {
                free.put(node, slots - 1);
                remaining--;
                plan.add(new Dispatch(c.jobId(), c.index(), node, owner));
            }
        }
        return plan;
    }

    /**
     * Where a spreadable step runs: its owner while it has a free slot, else (or first, with
     * {@code preferRemote}) the node with the most free slots, the first by name on a tie.
     */
    private static String spread(String owner, Map<String, Integer> free, boolean preferRemote) {
        if (!preferRemote && free.getOrDefault(owner, 0) > 0) {
            return owner;
        }
        String best = owner;
        int most = 0;
        for (Map.Entry<String, Integer> e : free.entrySet()) {
            if (!e.getKey().equals(owner) && e.getValue() > most) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }
}
