package io.flowcluster.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.server.job.AttemptResult.Outcome;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StepStateMachineTest {

    private static final AttemptResult OK = new AttemptResult(Outcome.SUCCEEDED, 0, null);
    private static final AttemptResult EXIT_3 = new AttemptResult(Outcome.FAILED, 3, null);
    private static final RetryPolicy NO_RETRY = RetryPolicy.of(null);
    private static final RetryPolicy TWO_RETRIES = new RetryPolicy(2, Duration.ofSeconds(1), Duration.ofSeconds(3), 2.0);

    /** a → b → c, and d after a: a runs (attempt 1), the rest wait. */
    private static StepStateMachine chain(RetryPolicy policy) {
        return new StepStateMachine(new String[] {"a", "b", "c", "d"}, i -> policy,
                new StepState[] {StepState.RUNNING, StepState.PENDING, StepState.PENDING, StepState.PENDING},
                new int[] {1, 0, 0, 0}, new int[4], new JobGraph(new int[][] {{}, {0}, {1}, {0}}));
    }

    @Test
    void aSuccessReadiesTheDependentsWhoseDependenciesAllSucceeded() {
        StepStateMachine steps = chain(NO_RETRY);
        assertThat(steps.attemptEnded(0, 1, OK)).isTrue();
        assertThat(steps.changes()).containsOnlyKeys(0, 1, 3);
        assertThat(steps.changes().get(0).state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(steps.changes().get(1).state()).isEqualTo(StepState.READY);
        assertThat(steps.changes().get(3).state()).isEqualTo(StepState.READY);
        assertThat(steps.outcome()).isEmpty();
    }

    @Test
    void aFailureIsRetriedAfterItsBackoffWhileThePolicyAllows() {
        StepStateMachine steps = chain(TWO_RETRIES);
        assertThat(steps.attemptEnded(0, 1, EXIT_3)).isTrue();
        StepStateMachine.Change retry = steps.changes().get(0);
        assertThat(retry.state()).isEqualTo(StepState.READY);
        assertThat(retry.failures()).isEqualTo(1);
        assertThat(retry.backoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(retry.exitCode()).isEqualTo(3);
        assertThat(retry.message()).isEqualTo("attempt 1 failed; retrying in 1000ms");
        assertThat(steps.changes()).containsOnlyKeys(0);
    }

    @Test
    void theLastAllowedFailureFailsTheStepSkipsWhatDependsOnItAndEndsTheJob() {
        StepStateMachine steps = new StepStateMachine(new String[] {"a", "b", "c", "d"}, i -> TWO_RETRIES,
                new StepState[] {StepState.RUNNING, StepState.PENDING, StepState.PENDING, StepState.PENDING},
                new int[] {3, 0, 0, 0}, new int[] {2, 0, 0, 0}, new JobGraph(new int[][] {{}, {0}, {1}, {0}}));
        assertThat(steps.attemptEnded(0, 3, new AttemptResult(Outcome.TIMED_OUT, null, null))).isTrue();
        assertThat(steps.changes().get(0)).isEqualTo(new StepStateMachine.Change(StepState.FAILED, null, "timed out", 3, null));
        for (int skipped : new int[] {1, 2, 3}) {
            assertThat(steps.changes().get(skipped).state()).isEqualTo(StepState.SKIPPED);
            assertThat(steps.changes().get(skipped).message()).isEqualTo("skipped: step 'a' failed");
        }
        assertThat(steps.outcome()).hasValue(JobState.FAILED);
    }

    @Test
    void theEndOfAnAttemptThatIsNoLongerLiveChangesNothing() {
        StepStateMachine steps = chain(NO_RETRY);
        assertThat(steps.attemptEnded(0, 2, OK)).as("an attempt after a lost one is live, not this one").isFalse();
        assertThat(steps.attemptEnded(1, 0, OK)).as("a step that does not run").isFalse();
        assertThat(steps.changes()).isEmpty();
        assertThat(steps.attemptEnded(0, 1, OK)).isTrue();
        assertThat(steps.attemptEnded(0, 1, OK)).as("the same end twice").isFalse();
    }

    @Test
    void aLateEndOfAnAbortedJobDoesNotEndItAgain() {
        StepStateMachine steps = new StepStateMachine(new String[] {"a", "b"}, i -> NO_RETRY,
                new StepState[] {StepState.ABORTED, StepState.ABORTED}, new int[] {1, 0}, new int[2],
                new JobGraph(new int[][] {{}, {0}}));
        assertThat(steps.attemptEnded(0, 1, OK)).isFalse();
        assertThat(steps.outcome()).as("its end stays the abort's").isEmpty();
    }

    @Test
    void theJobSucceedsWhenItsLastStepDoes() {
        StepStateMachine steps = new StepStateMachine(new String[] {"a", "b"}, i -> NO_RETRY,
                new StepState[] {StepState.SUCCEEDED, StepState.RUNNING}, new int[] {1, 1}, new int[2],
                new JobGraph(new int[][] {{}, {0}}));
        assertThat(steps.attemptEnded(1, 1, OK)).isTrue();
        assertThat(steps.outcome()).isEqualTo(Optional.of(JobState.SUCCEEDED));
    }
}
