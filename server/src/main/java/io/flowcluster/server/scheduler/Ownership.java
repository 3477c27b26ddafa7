package io.flowcluster.server.scheduler;

import io.flowcluster.server.ring.HashRing;
import io.flowcluster.server.ring.Placement;
import io.flowcluster.server.store.Candidate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which node owns a job whose step is about to be dispatched. Pure. A job never changes
 * owner while one of its steps is dispatched or running (LOCAL mode keeps a job on one node);
 * at a step boundary it moves off a node that is gone or draining, and back to its ring
 * owner when that member is filling up (it joined or returned, see {@link FillingMembers})
 * and holds less than its share.
 */
public final class Ownership {

    private final HashRing ring;
    private final Set<String> eligible;
    private final Set<String> filling;
    private final Map<String, Integer> load;
    private final Placement placement;
    private final double loadFactor;

    /**
     * @param eligible members that may take new work (live, not draining)
     * @param filling  members that joined or returned and are below their share
     * @param load     active jobs per owner; updated as this pass moves jobs
     */
    public Ownership(HashRing ring, Set<String> eligible, Set<String> filling, Map<String, Integer> load, Placement placement,
            double loadFactor) {
        this.ring = ring;
        this.eligible = eligible;
        this.filling = filling;
        this.load = new HashMap<>(load);
        this.placement = placement;
        this.loadFactor = loadFactor;
    }

    /**
     * The owner for the candidate's job. Ask once per job and pass (the dispatch planner does):
     * a decision that moves a job counts it in the loads the following decisions see.
     */
    public String ownerFor(Candidate c) {
        String current = c.owner();
        if (current != null && c.jobActive()) {
            return current;
        }
        if (ring.isEmpty()) {
            return current;
        }
        String jobKey = c.jobId().toString();
        if (current != null && eligible.contains(current)) {
            String home = ring.owner(jobKey);
            return home.equals(current) || !shouldGoHome(current, home) ? current : move(current, home);
        }
        return move(current, placement.place(ring, jobKey, load, loadFactor));
    }

    /**
     * With bounded loads a job goes home only to a filling member below the average: a joined
     * or returned member fills up to its share with the jobs that hash to it, a leave moves only
     * the leaving member's jobs (the jobs the bound placed away from home stay where they are),
     * and jobs do not bounce between members whose loads merely fluctuate (the ring quality
     * benchmark measures this).
     */
    private boolean shouldGoHome(String current, String home) {
        if (placement == Placement.HASH) {
            return true;
        }
        long total = load.values().stream().mapToInt(Integer::intValue).sum();
        int members = eligible.size();
        return filling.contains(home) && (long) load.getOrDefault(home, 0) * members < total;
    }

    /** Active jobs per owner, the moves decided so far counted. */
    Map<String, Integer> load() {
        return Map.copyOf(load);
    }

    private String move(String from, String to) {
        if (from != null) {
            load.merge(from, -1, Integer::sum);
        }
        load.merge(to, 1, Integer::sum);
        return to;
    }
}
