package io.flowcluster.server.worker;

import io.flowcluster.server.store.Claim;
import io.flowcluster.server.store.ExecutionStore;
import java.time.Duration;
import java.util.concurrent.Future;

/** One step attempt running on this node: its output, its process or awaited message, and a way to stop it. */
public final class Execution {

    public enum StopReason { ABORTED, HANDED_BACK }

    private final Claim claim;
    private final StepOutput output;
    private volatile Process process;
    private volatile StepIsolation isolation;
    private volatile Future<?> waiting;
    private volatile StopReason stopReason;

    Execution(Claim claim, OutputLimits limits) {
        this.claim = claim;
        this.output = new StepOutput(claim.jobId(), claim.index(), claim.attempt(), limits);
    }

    public Claim claim() {
        return claim;
    }

    public StepOutput output() {
        return output;
    }

    public StopReason stopReason() {
        return stopReason;
    }

    void started(Process p, StepIsolation isolation) {
        this.isolation = isolation;
        process = p;
        if (stopReason != null) {
            isolation.kill(p, Duration.ZERO); // stopped before the process existed
        }
    }

    /** A wait step's pending message; stopping the attempt cancels it. */
    void waiting(Future<?> future) {
        waiting = future;
        if (stopReason != null) {
            future.cancel(false);
        }
    }

    /** Stops the attempt; its process tree is killed, SIGKILL after {@code grace}. */
    void stop(StopReason reason, Duration grace) {
        if (stopReason != null) {
            return;
        }
        stopReason = reason;
        output.system("[" + (reason == StopReason.ABORTED ? "job aborted" : "handed back to the cluster") + ": stopping the step]");
        Future<?> w = waiting;
        if (w != null) {
            w.cancel(false);
        }
        Process p = process;
        if (p != null) {
            isolation.kill(p, grace);
        }
    }

    /** Writes the output gathered so far; one flush at a time, so lines land in order before the end. */
    synchronized void flush(ExecutionStore store) {
        store.appendLog(output.drain());
    }
}
