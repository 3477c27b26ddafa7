package io.flowcluster.server.worker;

import io.flowcluster.server.store.Claim;
import io.flowcluster.server.store.ExecutionStore;
import java.time.Duration;

/** One step attempt running on this node: its output, its process, and a way to stop it. */
final class Execution {

    enum StopReason { ABORTED, HANDED_BACK }

    private final Claim claim;
    private final StepOutput output;
    private volatile Process process;
    private volatile StopReason stopReason;

    Execution(Claim claim, long maxLogBytes) {
        this.claim = claim;
        this.output = new StepOutput(claim.jobId(), claim.index(), claim.attempt(), maxLogBytes);
    }

    Claim claim() {
        return claim;
    }

    StepOutput output() {
        return output;
    }

    StopReason stopReason() {
        return stopReason;
    }

    void started(Process p) {
        process = p;
        if (stopReason != null) {
            p.destroyForcibly(); // stopped before the process existed
        }
    }

    /** Stops the attempt; its process tree is killed, SIGKILL after {@code grace}. */
    void stop(StopReason reason, Duration grace) {
        if (stopReason != null) {
            return;
        }
        stopReason = reason;
        output.system("[" + (reason == StopReason.ABORTED ? "job aborted" : "handed back to the cluster") + ": stopping the step]");
        Process p = process;
        if (p != null) {
            ProcessTree.kill(p, grace);
        }
    }

    /** Writes the output gathered so far; one flush at a time, so lines land in order before the end. */
    synchronized void flush(ExecutionStore store) {
        store.appendLog(output.drain());
    }
}
