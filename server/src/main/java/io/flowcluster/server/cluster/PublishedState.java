package io.flowcluster.server.cluster;

import io.flowcluster.server.ring.AppliedRing;
import java.util.List;
import java.util.Map;

/**
 * What the scheduler applied, as it publishes it: for the API, the metrics and (in
 * Kubernetes) the operator, which copies it into the FlowCluster status.
 *
 * @param desiredEpoch the epoch of the operator's ring this applies; null without one
 */
public record PublishedState(String scheduler, long schedulerEpoch, long ringEpoch, Long desiredEpoch,
        List<MemberLoad> members) {

    /** One ring member: its owned unfinished jobs, its dispatched or running steps. */
    public record MemberLoad(String id, boolean draining, boolean drained, int ownedJobs, int runningSteps) {
    }

    public static PublishedState of(String scheduler, long schedulerEpoch, long ringEpoch, Long desiredEpoch,
            AppliedRing ring, Map<String, Integer> ownedJobs, Map<String, Integer> runningSteps) {
        List<MemberLoad> members = ring.members().stream().map(id -> {
            int owned = ownedJobs.getOrDefault(id, 0);
            int running = runningSteps.getOrDefault(id, 0);
            boolean draining = ring.draining().contains(id);
            return new MemberLoad(id, draining, draining && owned == 0 && running == 0, owned, running);
        }).toList();
        return new PublishedState(scheduler, schedulerEpoch, ringEpoch, desiredEpoch, members);
    }
}
