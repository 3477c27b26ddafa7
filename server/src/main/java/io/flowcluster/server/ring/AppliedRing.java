package io.flowcluster.server.ring;

import io.flowcluster.contract.DesiredRing;
import io.flowcluster.contract.SchedulerState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The ring the scheduler applies, pure: the live members, narrowed to the desired ring when
 * there is one. A member that is draining (by API or in the desired ring) is listed but
 * takes no new work. A crashed member drops out by its heartbeat even while the desired
 * ring still lists it, so failover does not wait for the operator.
 *
 * @param members  live members that belong to the ring, sorted
 * @param draining those of them that take no new work, sorted
 */
public record AppliedRing(SortedSet<String> members, SortedSet<String> draining) {

    public static AppliedRing of(Collection<LiveMember> live, Optional<DesiredRing> desired) {
        SortedSet<String> members = new TreeSet<>();
        SortedSet<String> draining = new TreeSet<>();
        for (LiveMember m : live) {
            if (desired.isPresent() && !desired.get().members().contains(m.id())) {
                continue;
            }
            members.add(m.id());
            if (m.draining() || desired.map(d -> d.draining().contains(m.id())).orElse(false)) {
                draining.add(m.id());
            }
        }
        return new AppliedRing(members, draining);
    }

    /** Members that take new work. */
    public Set<String> eligible() {
        SortedSet<String> eligible = new TreeSet<>(members);
        eligible.removeAll(draining);
        return eligible;
    }

    /**
     * Each member with its owned unfinished jobs and its dispatched or running steps, as the
     * scheduler publishes them: a draining member with neither is drained.
     */
    public List<SchedulerState.Member> loads(Map<String, Integer> ownedJobs, Map<String, Integer> runningSteps) {
        return members.stream().map(id -> {
            int owned = ownedJobs.getOrDefault(id, 0);
            int running = runningSteps.getOrDefault(id, 0);
            boolean drains = draining.contains(id);
            return new SchedulerState.Member(id, drains, drains && owned == 0 && running == 0, owned, running);
        }).toList();
    }

    /** A live member as the database knows it. */
    public record LiveMember(String id, int taskPoolSize, boolean draining) {
    }
}
