package io.flowcluster.server.fanout;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.fanout.PacketDealer;
import io.flowcluster.server.job.AttemptResult.Outcome;
import io.flowcluster.server.job.AttemptResult;
import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.ring.AppliedRing.LiveMember;
import io.flowcluster.server.store.Claim;
import io.flowcluster.server.store.ClusterStore.RingState;
import io.flowcluster.server.store.ClusterStore;
import io.flowcluster.server.store.PacketEvent;
import io.flowcluster.server.store.PacketProgress;
import io.flowcluster.server.store.PacketStore;
import io.flowcluster.server.worker.Execution;
import io.flowcluster.server.worker.FanoutRunner;
import io.flowcluster.server.worker.OutageRetry;
import io.flowcluster.server.worker.StepOutput;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs a {@code fanout} step on its job's owner as the step's work-coordinator: cuts the items
 * into packets once, then, until every packet is done, takes packets back from nodes that died
 * or left, deals waiting packets (in {@code LOCAL} mode to itself only; in {@code DISTRIBUTED}
 * mode over every member of the ring, see {@link PacketDealer}), and logs each packet's end.
 * Everything lives in the database, so a new owner resumes where a dead coordinator stopped.
 */
@Singleton
public class FanoutCoordinator implements FanoutRunner {

    /** How often a coordinator looks again when no packet finished: it notices dead nodes so. */
    private static final long ROUND_MILLIS = 200;

    private final PacketStore store;
    private final ClusterStore cluster;
    private final LocalNode node;
    private final FlowConfig config;
    private final Notifications notifications;
    /** Wake-ups of the fanout steps coordinated here, by job (a job may run several at once). */
    private final Map<UUID, Set<Semaphore>> coordinating = new ConcurrentHashMap<>();

    FanoutCoordinator(PacketStore store, ClusterStore cluster, LocalNode node, FlowConfig config,
            Notifications notifications) {
        this.store = store;
        this.cluster = cluster;
        this.node = node;
        this.config = config;
        this.notifications = notifications;
    }

    public void start() {
        if (config.distribution().packetSize() < 1 || config.distribution().taskQueueSize() < 0) {
            throw new IllegalStateException("flow.distribution.packet-size must be at least 1 and "
                    + "flow.distribution.task-queue-size at least 0");
        }
        notifications.subscribe(Channel.PACKET_DONE, job -> {
            if (job == null) {
                coordinating.values().forEach(wakes -> wakes.forEach(Semaphore::release));
            } else {
                coordinating.getOrDefault(UUID.fromString(job), Set.of()).forEach(Semaphore::release);
            }
        });
    }

    @Override
    public AttemptResult run(Execution execution) throws InterruptedException {
        Coordination coordination = new Coordination(execution.claim(), execution.output());
        if (retrying(execution, "Starting the fanout", coordination::start).isEmpty()) {
            return stopped(execution);
        }
        UUID job = execution.claim().jobId();
        Semaphore wake = new Semaphore(0);
        coordinating.computeIfAbsent(job, k -> ConcurrentHashMap.newKeySet()).add(wake);
        try {
            while (execution.stopReason() == null) {
                Optional<PacketProgress> progress = retrying(execution, "Coordinating the fanout", coordination::round);
                if (progress.isPresent() && progress.get().finished()) {
                    return retrying(execution, "Ending the fanout", () -> coordination.finish(progress.get()))
                            .orElseGet(() -> stopped(execution));
                }
                wake.tryAcquire(ROUND_MILLIS, TimeUnit.MILLISECONDS);
                wake.drainPermits();
            }
            return stopped(execution);
        } finally {
            coordinating.computeIfPresent(job, (k, wakes) -> {
                wakes.remove(wake);
                return wakes.isEmpty() ? null : wakes;
            });
        }
    }

    /** Waits out a database outage (the packets are safe in the database) until the attempt is stopped. */
    private static <T> Optional<T> retrying(Execution execution, String what, Supplier<T> call) throws InterruptedException {
        return OutageRetry.retry(what, call, () -> execution.stopReason() != null);
    }

    /** Aborted (the abort already stopped the packets) or handed back (the next owner resumes). */
    private static AttemptResult stopped(Execution execution) {
        return new AttemptResult(Outcome.ABORTED, null, "stopped: " + execution.stopReason().name().toLowerCase());
    }

    /** One coordinator's view of its step: what it logged so far. */
    private final class Coordination {

        private final Claim claim;
        private final StepOutput log;
        private int packets;

        Coordination(Claim claim, StepOutput log) {
            this.claim = claim;
            this.log = log;
        }

        /** Cuts the packets (the first coordinator only) and says whether this one starts or resumes. */
        PacketProgress start() {
            packets = store.cut(claim.jobId(), claim.index(), claim.spec().fanout(), config.distribution().packetSize());
            PacketProgress progress = store.progress(claim.jobId(), claim.index());
            if (progress.done() == 0) {
                log.system("[fanout: " + claim.spec().fanout().itemCount() + " items in " + packets + " packets, "
                        + claim.distribution() + " distribution, coordinated by " + node.id() + "]");
            } else {
                log.system("[coordinating from " + node.id() + " now: " + progress.done() + " of " + packets
                        + " packets already done]");
            }
            return progress;
        }

        /** Takes packets back from nodes that died or left, logs what finished, deals what waits. */
        PacketProgress round() {
            Set<String> live = cluster.liveMembers(config.cluster().nodeTimeout()).stream().map(LiveMember::id)
                    .collect(Collectors.toSet());
            List<String> members = members(live);
            takeBack(members, live);
            logFinished();
            PacketProgress progress = store.progress(claim.jobId(), claim.index());
            if (!progress.finished()) {
                deal(progress.pending(), members);
            }
            return progress;
        }

        AttemptResult finish(PacketProgress progress) {
            logFinished();
            int items = claim.spec().fanout().itemCount();
            log.system("[fanout done: " + packets + " packets, " + (items - progress.failedItems()) + " of " + items
                    + " items succeeded]");
            return progress.failedItems() == 0
                    ? new AttemptResult(Outcome.SUCCEEDED, null, null)
                    : new AttemptResult(Outcome.FAILED, null, progress.failedItems() + " of " + items + " items failed");
        }

        /** Packets queued on a node that died or left, or running on one that died, wait to be dealt again. */
        private void takeBack(List<String> members, Set<String> live) {
            for (PacketEvent e : store.takeBack(claim.jobId(), claim.index(), node.id(), claim.attempt(),
                    Set.copyOf(members), live)) {
                log.system("[packet " + e.packetNo() + " " + items(e) + (e.kind() == PacketEvent.Kind.LOST
                        ? " lost with " + e.node() + " (attempt " + e.attempt() + "), waits to run again"
                        : " taken back from " + e.node() + ", waits to be dealt again") + "]");
            }
        }

        /** Logs the packets that finished and were not logged yet (by this coordinator or one before it), in the order they finished. */
        private void logFinished() {
            for (PacketEvent e : store.takeFinished(claim.jobId(), claim.index())) {
                log.system("[packet " + e.packetNo() + " " + items(e) + " done on " + e.node() + ", attempt " + e.attempt()
                        + ", " + e.millis() + " ms" + (e.failedItems() > 0 ? ", " + e.failedItems() + " items failed" : "")
                        + "]");
            }
        }

        private void deal(int waiting, List<String> members) {
            if (waiting == 0) {
                return;
            }
            Map<String, Integer> plan = PacketDealer.deal(waiting, members, node.id(), store.queuedByNode(),
                    config.distribution().taskQueueSize(), config.distribution().remoteBias());
            Map<String, Integer> dealt = store.deal(claim.jobId(), claim.index(), node.id(), claim.attempt(), plan);
            if (!dealt.isEmpty()) {
                log.system("[dealt packets: " + dealt.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + "]");
            }
        }

        /**
         * Who may take packets: this node alone in LOCAL mode; in DISTRIBUTED mode the members of
         * the applied ring that are live and not draining, sorted.
         */
        private List<String> members(Set<String> live) {
            if (claim.distribution() == DistributionMode.LOCAL) {
                return List.of(node.id());
            }
            RingState ring = cluster.ringState();
            return ring.members().stream().filter(live::contains).filter(m -> !ring.draining().contains(m)).sorted().toList();
        }
    }

    private static String items(PacketEvent e) {
        return "(items " + e.first() + "-" + (e.first() + e.count() - 1) + ")";
    }
}
