package io.flowcluster.server.worker;

import io.flowcluster.server.job.AttemptResult.Outcome;
import io.flowcluster.server.job.AttemptResult;
import io.flowcluster.server.job.StepSpec;
import io.flowcluster.server.store.ArrivedMessage;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a {@code wait} step: succeeds when its message is processed, times out as a command would. */
final class WaitStep {

    private WaitStep() {
    }

    static AttemptResult run(Execution execution, MessageInbox inbox) throws InterruptedException {
        StepSpec spec = execution.claim().spec();
        CompletableFuture<ArrivedMessage> arrival = inbox.expect(execution.claim().jobId(), spec.message());
        execution.waiting(arrival);
        execution.output().system("[waiting for message '" + spec.message() + "']");
        Optional<Duration> timeout = spec.timeoutDuration();
        try {
            ArrivedMessage message = timeout.isPresent()
                    ? arrival.get(timeout.get().toNanos(), TimeUnit.NANOSECONDS)
                    : arrival.get();
            execution.output().system("[message '" + message.name() + "' arrived"
                    + (message.payload() == null ? "" : ": " + message.payload()) + "]");
            return new AttemptResult(Outcome.SUCCEEDED, null, null);
        } catch (TimeoutException e) {
            arrival.cancel(false);
            execution.output().system("[timed out after " + spec.timeout() + " waiting for message '" + spec.message() + "']");
            return new AttemptResult(Outcome.TIMED_OUT, null, "timed out after " + spec.timeout());
        } catch (CancellationException e) {
            return new AttemptResult(Outcome.ABORTED, null, "stopped: " + execution.stopReason().name().toLowerCase());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
