package io.flowcluster.server.job;

/** How a step attempt ended, as the worker saw it. */
public record AttemptResult(Outcome outcome, Integer exitCode, String message) {

    public enum Outcome { SUCCEEDED, FAILED, TIMED_OUT, ABORTED }

    public boolean succeeded() {
        return outcome == Outcome.SUCCEEDED;
    }
}
