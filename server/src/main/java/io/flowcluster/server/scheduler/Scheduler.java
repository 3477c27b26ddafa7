package io.flowcluster.server.scheduler;

import io.flowcluster.server.cluster.LeaseKeeper;
import io.flowcluster.server.cluster.SchedulerLease;
import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.notify.WakeupLoop;
import io.flowcluster.server.ring.HashRing;
import io.flowcluster.server.ring.Placement;
import io.flowcluster.server.store.ClusterStore;
import io.flowcluster.server.store.ClusterStore.Member;
import io.flowcluster.server.store.DeposedException;
import io.flowcluster.server.store.DispatchStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * The one scheduler of the cluster, on whichever node holds the lease: hands a silent
 * node's work over, gives jobs owners on the hash ring, and moves READY steps to DISPATCHED
 * on their job's owner, most urgent first, never more than the owner has free slots. Every
 * write is fenced by the lease epoch. Woken by database notifications; polling is a safety net.
 */
@Singleton
public class Scheduler {

    private static final Logger LOG = Logger.getLogger(Scheduler.class);

    private final DispatchStore store;
    private final ClusterStore cluster;
    private final LocalNode node;
    private final FlowConfig config;
    private final Notifications notifications;
    private final Placement placement;
    private final WakeupLoop loop;
    private final LeaseKeeper lease;
    private HashRing ring;

    Scheduler(DispatchStore store, ClusterStore cluster, LocalNode node, FlowConfig config,
            Notifications notifications, SchedulerLease schedulerLease) {
        this.store = store;
        this.cluster = cluster;
        this.node = node;
        this.config = config;
        this.notifications = notifications;
        this.placement = Placement.fromConfig(config.placement().strategy());
        this.loop = new WakeupLoop("flow-scheduler", this::pass, config.scheduler().pollInterval());
        this.lease = new LeaseKeeper(schedulerLease, config, epoch -> loop.signal());
    }

    void start(@Observes @Priority(30) StartupEvent event) {
        notifications.subscribe(Channel.SCHEDULER, payload -> loop.signal());
        lease.start();
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) {
        loop.stop();
        lease.stop();
    }

    /** The scheduler epoch while this node is the scheduler. */
    public OptionalLong epoch() {
        return lease.current();
    }

    /** One pass; returns how long to sleep: until a backoff ends, at most the poll interval. */
    Duration pass() {
        Duration poll = config.scheduler().pollInterval();
        OptionalLong epoch = lease.current();
        if (epoch.isEmpty()) {
            return poll;
        }
        try {
            dispatch(epoch.getAsLong());
        } catch (DeposedException e) {
            lease.deposed();
            return poll;
        }
        return store.nextBackoffEnd()
                .map(due -> Duration.between(Instant.now(), due))
                .filter(d -> !d.isNegative() && d.compareTo(poll) < 0)
                .orElse(poll);
    }

    private void dispatch(long epoch) {
        Duration timeout = config.cluster().nodeTimeout();
        List<String> handedOver = cluster.handOverSilentNodes(node.id(), epoch, timeout);
        if (!handedOver.isEmpty()) {
            LOG.infof("Handed over the work of %s", handedOver);
        }
        List<Member> members = cluster.liveMembers(timeout);
        Set<String> eligible = new TreeSet<>();
        Map<String, Integer> active = store.activeStepsByNode();
        Map<String, Integer> free = new HashMap<>();
        for (Member m : members) {
            if (!m.draining()) {
                eligible.add(m.id());
                free.put(m.id(), m.taskPoolSize() - active.getOrDefault(m.id(), 0));
            }
        }
        if (free.values().stream().noneMatch(f -> f > 0)) {
            return;
        }
        Ownership ownership = new Ownership(ringOf(eligible), eligible, cluster.activeJobsByOwner(), placement,
                config.placement().loadFactor());
        int batch = config.scheduler().batchSize();
        List<Candidate> candidates = store.readyCandidates(batch);
        List<Dispatch> plan = DispatchPlanner.plan(candidates, free, ownership::ownerFor);
        int dispatched = store.dispatch(plan, node.id(), epoch);
        if (dispatched < plan.size() || (candidates.size() == batch && dispatched > 0)) {
            loop.signal(); // raced with an abort, or more may be waiting: look again now
        }
    }

    private HashRing ringOf(Set<String> members) {
        if (ring == null || !ring.members().equals(members)) {
            ring = new HashRing(members, config.ring().virtualNodes());
            LOG.infof("Ring members: %s", members);
        }
        return ring;
    }
}
