package io.flowcluster.server.metrics;

import io.flowcluster.server.cluster.PublishedState;
import io.flowcluster.server.job.JobState;
import io.flowcluster.server.store.AttemptResult;
import io.flowcluster.server.store.DispatchStore;
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
import java.util.function.ToIntFunction;
import java.util.function.Supplier;

/** The server's Prometheus metrics (under {@code /q/metrics}). */
@Singleton
public class FlowMetrics {

    private static final long QUEUE_DEPTH_CACHE_NANOS = Duration.ofSeconds(2).toNanos();

    private final MeterRegistry registry;
    private final DispatchStore dispatchStore;
    private final Counter submitted;
    private final Timer startLatency;
    private final AtomicLong ringEpoch = new AtomicLong();
    private final MultiGauge ownedJobs;
    private final MultiGauge runningSteps;
    private final MultiGauge draining;
    private long queueDepth;
    private long queueDepthAt;

    FlowMetrics(MeterRegistry registry, DispatchStore dispatchStore) {
        this.registry = registry;
        this.dispatchStore = dispatchStore;
        this.submitted = Counter.builder("flow.jobs.submitted").description("Jobs accepted").register(registry);
        this.startLatency = Timer.builder("flow.job.start.latency")
                .description("Time from a job's submission to its first step starting")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("flow.queue.depth", this, FlowMetrics::queueDepth)
                .description("Steps ready to run and waiting for a slot (cluster-wide)")
                .register(registry);
        Gauge.builder("flow.ring.epoch", ringEpoch, AtomicLong::get)
                .description("Epoch of the ring the scheduler applies (on the scheduler's node)").register(registry);
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

    public void jobFinished(JobState state) {
        registry.counter("flow.jobs.finished", "state", state.name()).increment();
    }

    public void jobStarted(Duration sinceSubmission) {
        startLatency.record(sinceSubmission);
    }

    public void attemptFinished(AttemptResult.Outcome outcome) {
        registry.counter("flow.step.attempts.finished", "outcome", outcome.name()).increment();
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
    public void schedulerState(Optional<PublishedState> state) {
        ringEpoch.set(state.map(PublishedState::ringEpoch).orElse(0L));
        List<PublishedState.MemberLoad> members = state.map(PublishedState::members).orElse(List.of());
        perMember(ownedJobs, members, PublishedState.MemberLoad::ownedJobs);
        perMember(runningSteps, members, PublishedState.MemberLoad::runningSteps);
        perMember(draining, members, m -> m.draining() ? 1 : 0);
    }

    /** Replaces a gauge's rows: members gone since the last state disappear from it. */
    private static void perMember(MultiGauge gauge, List<PublishedState.MemberLoad> members,
            ToIntFunction<PublishedState.MemberLoad> value) {
        gauge.register(members.stream()
                .map(m -> MultiGauge.Row.of(Tags.of("member", m.id()), value.applyAsInt(m))).toList(), true);
    }

    public void registerRunningSteps(Supplier<Number> running) {
        Gauge.builder("flow.steps.running", running).description("Steps running on this node").register(registry);
    }

    private synchronized double queueDepth() {
        long now = System.nanoTime();
        if (queueDepthAt == 0 || now - queueDepthAt > QUEUE_DEPTH_CACHE_NANOS) {
            queueDepth = dispatchStore.readyCount();
            queueDepthAt = now;
        }
        return queueDepth;
    }
}
