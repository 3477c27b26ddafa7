package io.flowcluster.server.scheduler;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.metrics.FlowMetrics;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.notify.WakeupLoop;
import io.flowcluster.server.schedule.TickPlanner;
import io.flowcluster.server.store.DeposedException;
import io.flowcluster.server.store.FiringReport;
import io.flowcluster.server.store.ScheduleStore;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * Turns schedules' ticks into jobs, on the node that holds the scheduler lease and under its
 * epoch: the same one scheduler that orders the queue starts jobs on time. A loop of its own,
 * so that a long dispatch pass never delays a tick nor a burst of ticks a dispatch. It sleeps
 * until the earliest tick, at most the scheduler's poll interval (a schedule created on
 * another node is seen then).
 */
@Singleton
public class ScheduleFiring {

    private final ScheduleStore store;
    private final Scheduler scheduler;
    private final LocalNode node;
    private final FlowMetrics metrics;
    private final TickPlanner planner;
    private final int batchSize;
    private final Duration poll;
    private final DistributionMode defaultDistribution;
    private final WakeupLoop loop;

    ScheduleFiring(ScheduleStore store, Scheduler scheduler, LocalNode node, FlowMetrics metrics, FlowConfig config) {
        this.store = store;
        this.scheduler = scheduler;
        this.node = node;
        this.metrics = metrics;
        this.planner = new TickPlanner(config.schedules().misfireThreshold());
        this.batchSize = config.schedules().batchSize();
        this.poll = config.scheduler().pollInterval();
        this.defaultDistribution = config.distribution().mode();
        this.loop = new WakeupLoop("flow-schedules", this::pass, poll);
    }

    public void start() {
        loop.start();
    }

    public void stop() {
        loop.stop();
    }

    /** A schedule changed on this node: look again now rather than at the next poll. */
    public void wake() {
        loop.signal();
    }

    private Duration pass() {
        OptionalLong epoch = scheduler.epoch();
        if (epoch.isEmpty()) {
            return poll;
        }
        FiringReport report;
        try {
            report = store.fireDue(node.id(), epoch.getAsLong(), Instant.now(), batchSize, planner, defaultDistribution);
        } catch (DeposedException e) {
            return poll; // the dispatch loop learns it too, and gives the lease up
        }
        metrics.scheduleTicks(report.lateness(), report.missed(), report.skipped());
        if (report.schedules() == batchSize) {
            return Duration.ZERO; // more may be due
        }
        return store.nextDue().map(next -> Duration.between(Instant.now(), next))
                .map(wait -> wait.isNegative() ? Duration.ZERO : wait.compareTo(poll) > 0 ? poll : wait)
                .orElse(poll);
    }
}
