package io.flowcluster.server.job;

import static io.flowcluster.server.job.StepState.FAILED;
import static io.flowcluster.server.job.StepState.PENDING;
import static io.flowcluster.server.job.StepState.READY;
import static io.flowcluster.server.job.StepState.RUNNING;
import static io.flowcluster.server.job.StepState.SKIPPED;
import static io.flowcluster.server.job.StepState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobGraphTest {

    // 0 <- 1 <- 3, 0 <- 2 <- 3, 4 independent
    private final JobGraph diamond = new JobGraph(new int[][] {{}, {0}, {0}, {1, 2}, {}});

    @Test
    void aStepBecomesReadyOnlyWhenAllItsDependenciesSucceeded() {
        StepState[] states = {SUCCEEDED, SUCCEEDED, RUNNING, PENDING, RUNNING};
        assertThat(diamond.readyAfterSuccess(1, states)).isEmpty();
        states[2] = SUCCEEDED;
        assertThat(diamond.readyAfterSuccess(2, states)).containsExactly(3);
    }

    @Test
    void successReadiesEveryWaitingDependent() {
        StepState[] states = {SUCCEEDED, PENDING, PENDING, PENDING, READY};
        assertThat(diamond.readyAfterSuccess(0, states)).containsExactly(1, 2);
    }

    @Test
    void aFailureSkipsItsTransitiveDependentsButNotIndependentSteps() {
        StepState[] states = {FAILED, PENDING, PENDING, PENDING, RUNNING};
        assertThat(diamond.skippedAfterFailure(0, states)).containsExactly(1, 2, 3);
    }

    @Test
    void theOutcomeWaitsForEveryStep() {
        assertThat(JobGraph.outcome(new StepState[] {SUCCEEDED, RUNNING})).isEmpty();
        assertThat(JobGraph.outcome(new StepState[] {SUCCEEDED, SUCCEEDED})).contains(JobState.SUCCEEDED);
        assertThat(JobGraph.outcome(new StepState[] {FAILED, SKIPPED, SUCCEEDED})).contains(JobState.FAILED);
        assertThat(JobGraph.outcome(new StepState[] {StepState.ABORTED, SUCCEEDED})).contains(JobState.ABORTED);
    }

    @Test
    void findsCyclesWithTheirPath() {
        assertThat(diamond.cycle()).isEmpty();
        JobGraph loop = new JobGraph(new int[][] {{2}, {0}, {1}});
        Optional<List<Integer>> cycle = loop.cycle();
        assertThat(cycle).isPresent();
        List<Integer> path = cycle.get();
        assertThat(path.get(0)).isEqualTo(path.get(path.size() - 1));
        assertThat(path).hasSize(4).contains(0, 1, 2);
    }

    @Test
    void aLongChainIsNoProblem() {
        int n = 100_000;
        int[][] deps = new int[n][];
        deps[0] = new int[0];
        for (int i = 1; i < n; i++) {
            deps[i] = new int[] {i - 1};
        }
        assertThat(new JobGraph(deps).cycle()).isEmpty();
    }
}
