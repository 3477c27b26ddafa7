package io.flowcluster.server.metrics;

import io.flowcluster.server.job.JobState;
import io.flowcluster.server.store.AttemptResult;
import io.flowcluster.server.store.DispatchStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.function.Supplier;

/** The server's Prometheus metrics (under {@code /q/metrics}). */
@Singleton
public class FlowMetrics {

    private static final long QUEUE_DEPTH_CACHE_NANOS = Duration.ofSeconds(2).toNanos();

    private final MeterRegistry registry;
    private final DispatchStore dispatchStore;
    private final Counter submitted;
    private final Timer startLatency;
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
