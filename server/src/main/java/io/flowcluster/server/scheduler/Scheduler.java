package io.flowcluster.server.scheduler;

import io.flowcluster.contract.DesiredRing;
import io.flowcluster.contract.SchedulerState;
import io.flowcluster.server.cluster.LeaseKeeper;
import io.flowcluster.server.cluster.RingSource;
import io.flowcluster.server.cluster.SchedulerLease;
import io.flowcluster.server.cluster.StatePublisher;
import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.metrics.FlowMetrics;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.notify.SchedulerSignal;
import io.flowcluster.server.notify.WakeupLoop;
import io.flowcluster.server.ring.AppliedRing.LiveMember;
import io.flowcluster.server.ring.AppliedRing;
import io.flowcluster.server.ring.HashRing;
import io.flowcluster.server.ring.Placement;
import io.flowcluster.server.store.ActiveSteps;
import io.flowcluster.server.store.AppliedEnds;
import io.flowcluster.server.store.ClusterStore;
import io.flowcluster.server.store.DeposedException;
import io.flowcluster.server.store.Dispatch;
import io.flowcluster.server.store.DispatchStore;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The one scheduler of the cluster, on whichever node holds the lease: hands a silent
 * node's work over, applies the attempt ends that nodes recorded (a step's next state, its
 * dependents, its job's end), gives jobs owners on the hash ring, and starts READY steps on
 * their job's owner, most urgent first, never more than the owner has free slots (and its
 * {@code dispatch-ahead} queue). Every write is fenced by the lease epoch. Woken by database
 * notifications; polling is a safety net. Between reads of the cluster (see {@link ClusterPicture})
 * a pass costs one transaction applying ends (when nodes recorded some), one read of the ready
 * queue's head and one dispatch transaction.
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
    private final FlowMetrics metrics;
    private final RingSource ringSource;
    private final StatePublisher publisher;
    private final FillingMembers filling;
    /** Jobs whose ends nodes recorded since the last pass applied them. */
    private final Set<UUID> endedJobs = ConcurrentHashMap.newKeySet();
    /** Ends may have been recorded without a notification reaching this scheduler: look for all of them. */
    private final AtomicBoolean lookForEnds = new AtomicBoolean(true);
    /** Signals that members or what they hold changed: the picture is read again after one. */
    private final AtomicLong changes = new AtomicLong();
    private final BackoffWatch backoffs = new BackoffWatch();
    /** What this scheduler knows of the cluster; null when it must be read again. */
    private ClusterPicture picture;
    private long pictureEpoch = -1;
    private long pictureChanges;
    private long nextRead;
    private Set<String> fillingNow = Set.of();
    private HashRing ring;
    private AppliedRing lastApplied;
    private long lastAppliedEpoch = -1;
    private long ringEpoch;

    Scheduler(DispatchStore store, ClusterStore cluster, LocalNode node, FlowConfig config,
            Notifications notifications, SchedulerLease schedulerLease, RingSource ringSource, StatePublisher publisher,
            FlowMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.cluster = cluster;
        this.node = node;
        this.config = config;
        this.notifications = notifications;
        this.ringSource = ringSource;
        this.publisher = publisher;
        this.placement = Placement.fromConfig(config.placement().strategy());
        this.filling = new FillingMembers();
        this.loop = new WakeupLoop("flow-scheduler", this::pass, config.scheduler().pollInterval());
        this.lease = new LeaseKeeper(schedulerLease, config, epoch -> loop.signal());
    }

    public void start() {
        notifications.subscribe(Channel.SCHEDULER, this::onSignal);
        notifications.listenOnlyWhile(Channel.SCHEDULER, () -> lease.current().isPresent());
        ringSource.onChange(() -> {
            changes.incrementAndGet();
            loop.signal();
        });
        metrics.registerSchedulerLeader(() -> lease.current().isPresent());
        lease.start();
        loop.start();
    }

    public void stop() {
        loop.stop();
        lease.stop();
    }

    /** The epoch of the lease this node holds, empty while it does not: what its writes are fenced by. */
    public OptionalLong epoch() {
        return lease.current();
    }

    /** On the listener thread: notes what the signal says and wakes the loop. */
    private void onSignal(String payload) {
        if (lease.current().isEmpty()) {
            return; // a standby keeps no picture: it reads one when it takes the lease
        }
        SchedulerSignal.endedJobs(payload).ifPresent(endedJobs::addAll);
        if (!SchedulerSignal.onlyWork(payload)) {
            changes.incrementAndGet();
        }
        loop.signal();
    }

    /** One pass; returns how long to sleep: until a backoff ends, at most the poll interval. */
    Duration pass() {
        Duration poll = config.scheduler().pollInterval();
        OptionalLong epoch = lease.current();
        if (epoch.isEmpty()) {
            forgetPublished();
            return poll;
        }
        try {
            dispatch(epoch.getAsLong());
        } catch (DeposedException e) {
            lease.deposed();
            forgetPublished();
            return poll;
        }
        // back when the picture is due to be read again (a silent node is noticed then), or a backoff ends
        Duration untilRead = Duration.ofNanos(Math.max(0, nextRead - System.nanoTime()));
        Duration sleep = untilRead.compareTo(poll) < 0 ? untilRead : poll;
        Instant now = Instant.now();
        if (backoffs.mustRead(now)) {
            backoffs.read(store.nextBackoffEnd());
        }
        return backoffs.earliest()
                .map(due -> Duration.between(now, due))
                .filter(d -> !d.isNegative() && d.compareTo(sleep) < 0)
                .orElse(sleep);
    }

    private void dispatch(long epoch) {
        ClusterPicture now = current(epoch);
        List<UUID> ended = new ArrayList<>(endedJobs);
        endedJobs.removeAll(ended);
        // every recorded end after a read of the picture, else those of the jobs the nodes named
        Optional<Collection<UUID>> among = lookForEnds.getAndSet(false) ? Optional.empty() : Optional.of(ended);
        if (among.isEmpty() || !ended.isEmpty()) {
            Instant before = Instant.now(); // the database counts a backoff from its transaction's start: wake no later
            AppliedEnds applied = store.applyEnds(node.id(), epoch, among);
            applied.freedSlots().forEach(now::freed);
            applied.shortestBackoff().ifPresent(backoff -> backoffs.written(before.plus(backoff)));
        }
        Map<String, Integer> free = now.freeSlots(config.scheduler().dispatchAhead());
        if (free.values().stream().noneMatch(f -> f > 0)) {
            return;
        }
        Ownership ownership = new Ownership(ringOf(now.eligible()), now.eligible(), fillingNow, now.load(), placement,
                config.placement().loadFactor());
        boolean preferRemote = now.eligible().size() >= config.distribution().remoteBias();
        DispatchPlanner.Pass pass = DispatchPlanner.planFromHead(limit -> store.readyCandidates(limit, now::jobActive),
                config.scheduler().batchSize(), free, ownership::ownerFor, preferRemote);
        List<Dispatch> plan = DispatchPlanner.markStarts(pass.plan(), now.startable());
        int dispatched = store.dispatch(plan, node.id(), epoch);
        now.dispatched(plan, ownership.load());
        if (dispatched < plan.size()) {
            changes.incrementAndGet(); // raced with an abort: read again what is held
            loop.signal();
        } else if (pass.moreWaiting() && dispatched > 0) {
            loop.signal(); // more may be waiting: look again now
        }
    }

    /**
     * The picture of the cluster, read again when the last one is older than a heartbeat
     * interval, was made under another epoch, or a signal said members changed: silent
     * nodes' work handed over, members, slots held, loads, the ring applied and published.
     */
    private ClusterPicture current(long epoch) {
        long changesSeen = changes.get();
        if (picture != null && epoch == pictureEpoch && changesSeen == pictureChanges && System.nanoTime() < nextRead) {
            return picture;
        }
        lookForEnds.set(true); // ends whose notification was lost are applied at each read
        backoffs.forget();
        Duration timeout = config.cluster().nodeTimeout();
        List<String> handedOver = cluster.handOverSilentNodes(node.id(), epoch, timeout);
        if (!handedOver.isEmpty()) {
            LOG.infof("Handed over the work of %s", handedOver);
        }
        List<LiveMember> live = cluster.liveMembers(timeout);
        Optional<DesiredRing> desired = ringSource.desired();
        AppliedRing applied = AppliedRing.of(live, desired);
        Set<String> eligible = applied.eligible();
        ActiveSteps active = store.activeSteps();
        Map<String, Integer> load = cluster.activeJobsByOwner();
        if (!eligible.containsAll(load.keySet()) && cluster.disownIdleJobs(node.id(), epoch, eligible) > 0) {
            load = cluster.activeJobsByOwner();
        }
        publish(epoch, applied, desired, load, active.slotsByNode());
        fillingNow = filling.update(eligible, load);
        picture = new ClusterPicture(live, eligible, active, load);
        pictureEpoch = epoch;
        pictureChanges = changesSeen; // a change signalled meanwhile makes the next pass read again
        nextRead = System.nanoTime() + config.cluster().heartbeatInterval().toNanos();
        return picture;
    }

    /** Records a changed ring in the database, and hands what was applied to the publisher. */
    private void publish(long epoch, AppliedRing applied, Optional<DesiredRing> desired,
            Map<String, Integer> load, Map<String, Integer> active) {
        if (!applied.equals(lastApplied) || epoch != lastAppliedEpoch) {
            ringEpoch = cluster.publishRing(node.id(), epoch, applied);
            if (!applied.equals(lastApplied)) {
                LOG.infof("Ring epoch %d: members %s, draining %s", ringEpoch, applied.members(), applied.draining());
            }
            lastApplied = applied;
            lastAppliedEpoch = epoch;
        }
        SchedulerState state = new SchedulerState(node.id(), epoch, ringEpoch, desired.map(DesiredRing::epoch).orElse(null),
                applied.loads(load, active));
        metrics.schedulerState(Optional.of(state));
        publisher.publish(state);
    }

    private void forgetPublished() {
        picture = null;
        filling.forget();
        if (lastApplied != null) {
            lastApplied = null;
            metrics.schedulerState(Optional.empty());
        }
    }

    private HashRing ringOf(Set<String> members) {
        if (ring == null || !ring.members().equals(members)) {
            ring = new HashRing(members, config.ring().virtualNodes());
        }
        return ring;
    }
}
