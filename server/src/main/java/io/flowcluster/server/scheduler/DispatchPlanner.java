package io.flowcluster.server.scheduler;

import io.flowcluster.server.ring.AppliedRing.LiveMember;
import io.flowcluster.server.store.Candidate;
import io.flowcluster.server.store.Dispatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Decides which runnable steps go where in one scheduler pass. Pure: candidates arrive in
 * dispatch order (priority, then submission, then step order) and each takes a free slot of
 * its job's owner, so a node's free slots always go to its most urgent steps. The owner is
 * decided once per job and pass, so all of a LOCAL job's steps go to one node; the command
 * and noop steps of a DISTRIBUTED job take a free slot wherever there is one.
 */
public final class DispatchPlanner {

    /** Fewest ready steps a pass reads, however few slots are free. */
    static final int MIN_HEAD = 16;

    /** A pass's plan; {@code moreWaiting}: the ready queue went on past what the pass read. */
    public record Pass(List<Dispatch> plan, boolean moreWaiting) {
    }

    private DispatchPlanner() {
    }

    /**
     * What each eligible member can take in this pass: its task slots, plus {@code dispatchAhead}
     * queued steps per slot, minus the steps it holds dispatched or running.
     *
     * @param busy slots held per node by dispatched or running steps
     */
    public static Map<String, Integer> freeSlots(List<LiveMember> live, Set<String> eligible, Map<String, Integer> busy,
            int dispatchAhead) {
        Map<String, Integer> free = new HashMap<>();
        for (LiveMember m : live) {
            if (eligible.contains(m.id())) {
                free.put(m.id(), m.taskPoolSize() * (1 + dispatchAhead) - busy.getOrDefault(m.id(), 0));
            }
        }
        return free;
    }

    /**
     * Plans a pass from the head of the ready queue, read only as deep as the free slots need:
     * twice their number at first, four times deeper (at most {@code maxDepth}) while slots stay
     * free, as when the first steps belong to busy owners. Reading the head costs the database
     * more than the rest of a pass, so it is not read deeper than that.
     *
     * @param readHead the first {@code n} runnable steps, most urgent first
     */
    public static Pass planFromHead(IntFunction<List<Candidate>> readHead, int maxDepth, Map<String, Integer> freeSlots,
            Function<Candidate, String> ownerFor, boolean preferRemote) {
        Map<UUID, String> owners = new HashMap<>();
        Function<Candidate, String> oncePerJob = c -> owners.computeIfAbsent(c.jobId(), job -> ownerFor.apply(c));
        int wanted = freeSlots.values().stream().mapToInt(f -> Math.max(0, f)).sum();
        int depth = Math.min(maxDepth, Math.max(MIN_HEAD, 2 * wanted));
        List<Candidate> head = readHead.apply(depth);
        List<Dispatch> plan = plan(head, freeSlots, oncePerJob, preferRemote);
        while (plan.size() < wanted && head.size() == depth && depth < maxDepth) {
            depth = Math.min(maxDepth, depth * 4);
            head = readHead.apply(depth);
            plan = plan(head, freeSlots, oncePerJob, preferRemote);
        }
        return new Pass(plan, head.size() == depth);
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
            if (!c.holdsSlot()) {
                if (free.containsKey(node)) { // it needs no slot, only a member that takes work
                    plan.add(new Dispatch(c.jobId(), c.index(), node, owner, false, true));
                }
            } else if (slots > 0) {
                free.put(node, slots - 1);
                remaining--;
                plan.add(new Dispatch(c.jobId(), c.index(), node, owner));
            }
        }
        return plan;
    }

    /**
     * Which dispatches start at once: on each node, as many of its most urgent ones as it has
     * slots neither running nor queued ({@code startable}), and every one that needs no slot.
     * The others wait in the node's queue (dispatch-ahead), and the node starts them itself.
     *
     * @param plan      a pass's plan, most urgent first
     * @param startable per node: task slots minus the slots its dispatched and running steps hold
     */
    public static List<Dispatch> markStarts(List<Dispatch> plan, Map<String, Integer> startable) {
        Map<String, Integer> left = new HashMap<>(startable);
        List<Dispatch> marked = new ArrayList<>(plan.size());
        for (Dispatch d : plan) {
            int slots = left.getOrDefault(d.node(), 0);
            if (!d.holdsSlot()) {
                marked.add(d.starting());
            } else if (slots > 0) {
                left.put(d.node(), slots - 1);
                marked.add(d.starting());
            } else {
                marked.add(d);
            }
        }
        return marked;
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
