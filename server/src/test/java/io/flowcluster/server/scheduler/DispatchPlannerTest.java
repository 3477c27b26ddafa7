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

    private static Candidate step(UUID job, int index, String owner) {
        return new Candidate(job, index, owner, false);
    }

    @Test
    void takesTheMostUrgentStepsUpToTheFreeSlots() {
        List<Candidate> ordered = List.of(step(A, 0, "n1"), step(B, 0, "n1"), step(C, 0, "n1"));
        assertThat(DispatchPlanner.plan(ordered, Map.of("n1", 2), Candidate::owner))
                .containsExactly(new Dispatch(A, 0, "n1"), new Dispatch(B, 0, "n1"));
    }

    @Test
    void aFullNodeDoesNotHoldBackStepsOfOtherNodes() {
        List<Candidate> ordered = List.of(step(A, 0, "full"), step(B, 0, "free"));
        assertThat(DispatchPlanner.plan(ordered, Map.of("full", 0, "free", 1), Candidate::owner))
                .containsExactly(new Dispatch(B, 0, "free"));
    }

    @Test
    void theOwnerIsDecidedOncePerJobAndAllItsStepsFollow() {
        List<UUID> asked = new ArrayList<>();
        List<Candidate> ordered = List.of(step(A, 0, null), step(A, 1, null));
        List<Dispatch> plan = DispatchPlanner.plan(ordered, Map.of("n2", 5), c -> {
            asked.add(c.jobId());
            return "n2";
        });
        assertThat(asked).containsExactly(A);
        assertThat(plan).extracting(Dispatch::node).containsExactly("n2", "n2");
    }

    @Test
    void stepsWhoseOwnerTakesNoWorkWait() {
        assertThat(DispatchPlanner.plan(List.of(step(A, 0, "gone")), Map.of("n1", 3), Candidate::owner)).isEmpty();
        assertThat(DispatchPlanner.plan(List.of(step(A, 0, null)), Map.of("n1", 3), c -> null)).isEmpty();
    }
}
