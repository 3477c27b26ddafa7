package io.flowcluster.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DispatchPlannerTest {

    private static final UUID A = new UUID(0, 1);
    private static final UUID B = new UUID(0, 2);
    private static final UUID C = new UUID(0, 3);

    @Test
    void takesTheMostUrgentStepsUpToTheFreeSlots() {
        List<Candidate> ordered = List.of(new Candidate(A, 0, "n1"), new Candidate(B, 0, "n1"), new Candidate(C, 0, "n1"));
        assertThat(DispatchPlanner.plan(ordered, Map.of("n1", 2), j -> "n1"))
                .containsExactly(new Dispatch(A, 0, "n1"), new Dispatch(B, 0, "n1"));
    }

    @Test
    void aFullNodeDoesNotHoldBackStepsOfOtherNodes() {
        List<Candidate> ordered = List.of(new Candidate(A, 0, "full"), new Candidate(B, 0, "free"));
        assertThat(DispatchPlanner.plan(ordered, Map.of("full", 0, "free", 1), j -> "free"))
                .containsExactly(new Dispatch(B, 0, "free"));
    }

    @Test
    void aNewJobIsPlacedOnceAndAllItsStepsFollow() {
        List<UUID> placed = new ArrayList<>();
        List<Candidate> ordered = List.of(new Candidate(A, 0, null), new Candidate(A, 1, null));
        List<Dispatch> plan = DispatchPlanner.plan(ordered, Map.of("n2", 5), j -> {
            placed.add(j);
            return "n2";
        });
        assertThat(placed).containsExactly(A);
        assertThat(plan).extracting(Dispatch::node).containsExactly("n2", "n2");
    }

    @Test
    void stepsOfJobsOwnedByUnknownNodesWait() {
        assertThat(DispatchPlanner.plan(List.of(new Candidate(A, 0, "gone")), Map.of("n1", 3), j -> "n1")).isEmpty();
    }
}
