package io.flowcluster.server.api;

import io.flowcluster.server.store.ClusterStore.LeaseHolder;
import io.flowcluster.server.store.ClusterStore.NodeState;
import io.flowcluster.server.store.ClusterStore.RingState;
import java.time.Instant;
import java.util.List;

/** The cluster as any node sees it in the database: the scheduler, the applied ring, every member's load. */
public record ClusterView(String name, String coordination, String answeredBy, SchedulerView scheduler, RingView ring,
        List<MemberView> members) {

    /** {@code node} is null while no node holds the lease. */
    public record SchedulerView(String node, long epoch, Instant since) {
    }

    public record RingView(long epoch, List<String> members, List<String> draining, Instant updatedAt) {
    }

    /**
     * @param state {@code live}, {@code draining} (takes no new work), {@code drained} (draining
     *              and owning and running nothing) or {@code dead} (silent past the node timeout)
     * @param jobsFinished jobs that ended on it since it started, as of its last heartbeat: the
     *              cluster's throughput is the growth of the sum
     */
    public record MemberView(String id, String state, boolean scheduler, int taskPoolSize, int ownedJobs,
            int runningSteps, Instant startedAt, Instant heartbeatAt, long jobsFinished) {

        static MemberView of(NodeState n, RingState ring, LeaseHolder lease) {
            boolean draining = n.draining() || ring.draining().contains(n.id());
            String state = !n.live() ? "dead"
                    : !draining ? "live"
                    : n.ownedJobs() == 0 && n.activeSteps() == 0 ? "drained" : "draining";
            return new MemberView(n.id(), state, n.id().equals(lease.holder()), n.taskPoolSize(), n.ownedJobs(),
                    n.activeSteps(), n.startedAt(), n.heartbeatAt(), n.jobsFinished());
        }
    }

    static ClusterView of(String name, String coordination, String answeredBy, LeaseHolder lease, RingState ring,
            List<NodeState> nodes) {
        return new ClusterView(name, coordination, answeredBy,
                new SchedulerView(lease.holder(), lease.epoch(), lease.since()),
                new RingView(ring.epoch(), ring.members(), ring.draining(), ring.updatedAt()),
                nodes.stream().map(n -> MemberView.of(n, ring, lease)).toList());
    }
}
