package io.flowcluster.server.scheduler;

import io.flowcluster.server.ring.AppliedRing.LiveMember;
import io.flowcluster.server.store.ActiveSteps;
import io.flowcluster.server.store.Dispatch;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the scheduler knows of the cluster between two reads of it: the live members, the
 * task slots each one's steps hold, the jobs with a step out, the active jobs per owner.
 * Pure. Read from the database when the scheduler takes the lease, when members change, and
 * every heartbeat interval; in between, kept current from the scheduler's own dispatches and
 * from the slots freed by the ends it applies. A pass then reads only the
 * head of the ready queue. Whatever escapes it (a notification lost, an abort of a queued
 * step) lasts until the next read: a node may then be sent a step more than it has slots,
 * which waits there for one.
 */
final class ClusterPicture {

    private final List<LiveMember> live;
    private final Set<String> eligible;
    private final Map<String, Integer> held;
    private final Set<UUID> activeJobs;
    private Map<String, Integer> load;

    /**
     * @param eligible members that take new work
     * @param active   the steps dispatched or running, as read
     * @param load     unfinished jobs per owner
     */
    ClusterPicture(List<LiveMember> live, Set<String> eligible, ActiveSteps active, Map<String, Integer> load) {
        this.live = List.copyOf(live);
        this.eligible = Set.copyOf(eligible);
        this.held = new HashMap<>(active.slotsByNode());
        this.activeJobs = new HashSet<>(active.jobs());
        this.load = Map.copyOf(load);
    }

    Set<String> eligible() {
        return eligible;
    }

    Map<String, Integer> load() {
        return load;
    }

    boolean jobActive(UUID job) {
        return activeJobs.contains(job);
    }

    /** What each eligible member can take now, its queue included (see {@link DispatchPlanner#freeSlots}). */
    Map<String, Integer> freeSlots(int dispatchAhead) {
        return DispatchPlanner.freeSlots(live, eligible, held, dispatchAhead);
    }

    /** Per eligible member: slots that nothing holds, where a step dispatched now starts at once. */
    Map<String, Integer> startable() {
        return DispatchPlanner.freeSlots(live, eligible, held, 0);
    }

    /** Ends applied for steps that held {@code slots} of the node's slots. */
    void freed(String node, int slots) {
        held.computeIfPresent(node, (n, h) -> Math.max(0, h - slots));
    }

    /**
     * Counts a pass's dispatches in.
     *
     * @param loadAfter active jobs per owner with the pass's moves counted
     */
    void dispatched(List<Dispatch> plan, Map<String, Integer> loadAfter) {
        for (Dispatch d : plan) {
            activeJobs.add(d.jobId());
            if (d.holdsSlot()) {
                held.merge(d.node(), 1, Integer::sum);
            }
        }
        load = Map.copyOf(loadAfter);
    }
}
