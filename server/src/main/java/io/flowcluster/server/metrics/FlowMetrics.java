package io.flowcluster.server.metrics;

import io.flowcluster.contract.SchedulerState;
import io.flowcluster.server.job.AttemptResult;
import io.flowcluster.server.job.JobState;
import io.flowcluster.server.store.ClusterStore;
import io.flowcluster.server.store.DispatchStore;
import io.flowcluster.server.store.RetentionStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/** The server's Prometheus metrics (under {@code /q/metrics}). */
@Singleton
public class FlowMetrics {

    /** Gauges read from the database are read at most this often, however often they are scraped. */
    private static final Duration READING_CACHE = Duration.ofSeconds(2);

    private final MeterRegistry registry;
    private final Counter submitted;
    private final Counter deleted;
    private final Timer startLatency;
    private final Timer tickLateness;
    private final AtomicLong jobsFinished = new AtomicLong();
    private final MultiGauge ownedJobs;
    private final MultiGauge runningSteps;
    private final MultiGauge draining;

    FlowMetrics(MeterRegistry registry, DispatchStore dispatchStore, ClusterStore clusterStore, RetentionStore retentionStore) {
        this.registry = registry;
        this.submitted = Counter.builder("flow.jobs.submitted").description("Jobs accepted").register(registry);
        this.deleted = Counter.builder("flow.jobs.deleted").description("Finished jobs deleted by this node once their retention ran out")
                .register(registry);
        this.tickLateness = Timer.builder("flow.schedule.tick.lateness")
                .description("Time from a schedule's tick to the commit of its job")
                .publishPercentileHistogram()
                .register(registry);
        this.startLatency = Timer.builder("flow.job.start.latency")
                .description("Time from a job's submission to its first step starting")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("flow.queue.depth", new CachedReading(dispatchStore::readyCount), CachedReading::value)
                .description("Steps ready to run and waiting for a slot (cluster-wide)")
                .strongReference(true).register(registry);
        Gauge.builder("flow.jobs.expired", new CachedReading(retentionStore::expiredCount), CachedReading::value)
                .description("Finished jobs past their retention and not deleted yet (cluster-wide): what retention has left to do")
                .strongReference(true).register(registry);
        Gauge.builder("flow.ring.epoch", new CachedReading(() -> clusterStore.ringState().epoch()), CachedReading::value)
                .description("Epoch of the ring the scheduler last applied (every node reads it)")
                .strongReference(true).register(registry);
        this.ownedJobs = MultiGauge.builder("flow.member.owned.jobs")
                .description("Unfinished jobs each member owns (on the scheduler's node)").register(registry);
        this.runningSteps = MultiGauge.builder("flow.member.running.steps")
                .description("Steps dispatched to or running on each member (on the scheduler's node)").register(registry);
        this.draining = MultiGauge.builder("flow.member.draining")
                .description("1 for a member that takes no new work (on the scheduler's node)").register(registry);
    }

    public void jobSubmitted() {
        submitted.increment();
    }

    /** Ticks the scheduler handled: fired (with how late each fired), missed (too late for the policy), skipped (a run still going). */
    public void scheduleTicks(List<Duration> lateness, long missed, long skipped) {
        lateness.forEach(tickLateness::record);
        ticks("fired", lateness.size());
        ticks("missed", missed);
        ticks("skipped", skipped);
    }

    private void ticks(String outcome, long count) {
        if (count > 0) {
            Counter.builder("flow.schedule.ticks").description("Schedule ticks the scheduler on this node handled, by what became of them")
                    .tag("outcome", outcome).register(registry).increment(count);
        }
    }

    public void jobsDeleted(int count) {
        deleted.increment(count);
    }

    public void jobFinished(JobState state) {
        jobsFinished.incrementAndGet();
        Counter.builder("flow.jobs.finished").description("Jobs that ended on this node, by their end state")
                .tag("state", state.name()).register(registry).increment();
    }

    /** Jobs that ended on this node since it started, whatever their end. */
    public long jobsFinished() {
        return jobsFinished.get();
    }

    public void jobStarted(Duration sinceSubmission) {
        startLatency.record(sinceSubmission);
    }

    public void attemptFinished(AttemptResult.Outcome outcome) {
        Counter.builder("flow.step.attempts.finished").description("Step attempts that ended on this node, by outcome")
                .tag("outcome", outcome.name()).register(registry).increment();
    }

    /** This node's view of leadership: 1 while it holds the scheduler lease. */
    public void registerSchedulerLeader(BooleanSupplier leader) {
        Gauge.builder("flow.scheduler.leader", () -> leader.getAsBoolean() ? 1 : 0)
                .description("1 on the node that is the scheduler, 0 elsewhere").register(registry);
    }

    /**
     * What the scheduler applied, exported by the scheduler's node only (other nodes export
     * nothing here, so a sum over the cluster counts each job once). Empty clears it.
     */
    public void schedulerState(Optional<SchedulerState> state) {
        List<SchedulerState.Member> members = state.map(SchedulerState::members).orElse(List.of());
        perMember(ownedJobs, members, SchedulerState.Member::ownedJobs);
        perMember(runningSteps, members, SchedulerState.Member::runningSteps);
        perMember(draining, members, m -> m.draining() ? 1 : 0);
    }

    /** Replaces a gauge's rows: members gone since the last state disappear from it. */
    private static void perMember(MultiGauge gauge, List<SchedulerState.Member> members,
            ToIntFunction<SchedulerState.Member> value) {
        gauge.register(members.stream()
                .map(m -> MultiGauge.Row.of(Tags.of("member", m.id()), value.applyAsInt(m))).toList(), true);
    }

    public void registerRunningSteps(Supplier<Number> running) {
        Gauge.builder("flow.steps.running", running).description("Steps running on this node").register(registry);
    }

    /** A number read from the database, kept for a while: scrapes of every node must not load it. */
    private static final class CachedReading {
        private final LongSupplier read;
        private long value;
        private long readAt;
        private boolean everRead;

        CachedReading(LongSupplier read) {
            this.read = read;
        }

        synchronized double value() {
            long now = System.nanoTime();
            if (!everRead || now - readAt > READING_CACHE.toNanos()) {
                value = read.getAsLong();
                readAt = now;
                everRead = true;
            }
            return value;
        }
    }
}
