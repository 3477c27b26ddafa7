package io.flowcluster.server.job;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The steps of one job and what the end of an attempt does to them. Pure: the store loads
 * the steps under the job's lock, feeds the ends in, and writes {@link #changes()} back.
 * <ul>
 * <li>an end of an attempt that is no longer the step's live one changes nothing (the job was
 * aborted, or the attempt declared lost and run again);</li>
 * <li>a success readies the dependents whose dependencies all succeeded;</li>
 * <li>a failure is retried after the step's backoff while its retry policy allows, else the
 * step fails and every step that depends on it, directly or not, is skipped;</li>
 * <li>once every step has ended, the job ends: FAILED, ABORTED or SUCCEEDED.</li>
 * </ul>
 */
public final class StepStateMachine {

    /** A step's new values; {@code backoff} (a retry) says when it may run again. */
    public record Change(StepState state, Integer exitCode, String message, int failures, Duration backoff) {
    }

    private final String[] names;
    private final IntFunction<RetryPolicy> policies;
    private final StepState[] states;
    private final int[] attempts;
    private final int[] failures;
    private final JobGraph graph;
    private final Map<Integer, Change> changes = new TreeMap<>();

    /** {@code policies} is asked only on a failure: reading a step's policy has a cost. */
    public StepStateMachine(String[] names, IntFunction<RetryPolicy> policies, StepState[] states, int[] attempts,
            int[] failures, JobGraph graph) {
        this.names = names;
        this.policies = policies;
        this.states = states.clone();
        this.attempts = attempts.clone();
        this.failures = failures.clone();
        this.graph = graph;
    }

    /** Applies one attempt's end; false when it was not the step's live attempt, so nothing changed. */
    public boolean attemptEnded(int index, int attempt, AttemptResult result) {
        if (states[index] != StepState.RUNNING || attempts[index] != attempt) {
            return false;
        }
        if (result.succeeded()) {
            set(index, StepState.SUCCEEDED, result.exitCode(), result.message(), null);
            for (int ready : graph.readyAfterSuccess(index, states)) {
                set(ready, StepState.READY, null, null, null);
            }
            return true;
        }
        failures[index]++;
        RetryPolicy policy = policies.apply(index);
        if (policy.allowsRetryAfter(failures[index])) {
            Duration delay = policy.delayAfter(failures[index]);
            set(index, StepState.READY, result.exitCode(),
                    "attempt " + attempt + " " + describe(result) + "; retrying in " + delay.toMillis() + "ms", delay);
            return true;
        }
        set(index, StepState.FAILED, result.exitCode(), describe(result), null);
        String why = "skipped: step '" + names[index] + "' failed";
        for (int skipped : graph.skippedAfterFailure(index, states)) {
            set(skipped, StepState.SKIPPED, null, why, null);
        }
        return true;
    }

    /**
     * How the job ended, once the ends fed in have ended it: empty while a step is still to
     * run, and for a job that had ended before them (an aborted job keeps its end).
     */
    public Optional<JobState> outcome() {
        return changes.isEmpty() ? Optional.empty() : JobGraph.outcome(states);
    }

    /** The steps changed so far, by index, each with its new values. */
    public Map<Integer, Change> changes() {
        return Collections.unmodifiableMap(changes);
    }

    private void set(int index, StepState state, Integer exitCode, String message, Duration backoff) {
        states[index] = state;
        changes.put(index, new Change(state, exitCode, message, failures[index], backoff));
    }

    private static String describe(AttemptResult result) {
        return result.message() != null ? result.message() : result.outcome().name().toLowerCase().replace('_', ' ');
    }
}
