package io.flowcluster.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.flowcluster.server.ring.AppliedRing.LiveMember;
import io.flowcluster.server.store.Candidate;
import io.flowcluster.server.store.Dispatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DispatchPlannerTest {

    private static final UUID A = new UUID(0, 1);
    private static final UUID B = new UUID(0, 2);
    private static final UUID C = new UUID(0, 3);

    private static Candidate step(UUID job, int index, String owner) {
        return new Candidate(job, index, owner, false, false, true);
    }

    @Test
    void takesTheMostUrgentStepsUpToTheFreeSlots() {
        List<Candidate> ordered = List.of(step(A, 0, "n1"), step(B, 0, "n1"), step(C, 0, "n1"));
        assertThat(DispatchPlanner.plan(ordered, Map.of("n1", 2), Candidate::owner, false))
                .containsExactly(new Dispatch(A, 0, "n1", "n1"), new Dispatch(B, 0, "n1", "n1"));
    }

    @Test
    void aStepThatNeedsNoSlotGoesToItsOwnerEvenWhenItsSlotsAreTaken() {
        Candidate waiting = new Candidate(B, 0, "full", false, false, false);
        List<Dispatch> plan = DispatchPlanner.plan(List.of(step(A, 0, "full"), waiting, step(C, 0, "other")),
                Map.of("full", 0, "other", 1), Candidate::owner, false);
        assertThat(plan).containsExactly(new Dispatch(B, 0, "full", "full", false, true), new Dispatch(C, 0, "other", "other"));
    }

    @Test
    void theMostUrgentDispatchesOfANodeStartAtOnceUpToItsUnheldSlotsAndTheRestQueue() {
        List<Dispatch> plan = List.of(new Dispatch(A, 0, "n1", "n1"), new Dispatch(B, 0, "n2", "n2"),
                new Dispatch(B, 1, "n1", "n1", false, false), new Dispatch(C, 0, "n1", "n1"), new Dispatch(C, 1, "n2", "n2"));
        assertThat(DispatchPlanner.markStarts(plan, Map.of("n1", 1, "n2", 0)))
                .extracting(Dispatch::jobId, Dispatch::index, Dispatch::start)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(A, 0, true), org.assertj.core.groups.Tuple.tuple(B, 0, false),
                        org.assertj.core.groups.Tuple.tuple(B, 1, true), org.assertj.core.groups.Tuple.tuple(C, 0, false),
                        org.assertj.core.groups.Tuple.tuple(C, 1, false));
    }

    @Test
    void aFullNodeDoesNotHoldBackStepsOfOtherNodes() {
        List<Candidate> ordered = List.of(step(A, 0, "full"), step(B, 0, "free"));
        assertThat(DispatchPlanner.plan(ordered, Map.of("full", 0, "free", 1), Candidate::owner, false))
                .containsExactly(new Dispatch(B, 0, "free", "free"));
    }

    @Test
    void theOwnerIsDecidedOncePerJobAndAllItsStepsFollow() {
        List<UUID> asked = new ArrayList<>();
        List<Candidate> ordered = List.of(step(A, 0, null), step(A, 1, null));
        List<Dispatch> plan = DispatchPlanner.plan(ordered, Map.of("n2", 5), c -> {
            asked.add(c.jobId());
            return "n2";
        }, false);
        assertThat(asked).containsExactly(A);
        assertThat(plan).extracting(Dispatch::node).containsExactly("n2", "n2");
    }

    @Test
    void stepsWhoseOwnerTakesNoWorkWait() {
        assertThat(DispatchPlanner.plan(List.of(step(A, 0, "gone")), Map.of("n1", 3), Candidate::owner, false)).isEmpty();
        assertThat(DispatchPlanner.plan(List.of(step(A, 0, null)), Map.of("n1", 3), c -> null, false)).isEmpty();
    }

    @Test
    void aDistributedJobsStepsTakeFreeSlotsAnywhereOwnerFirst() {
        List<Candidate> ordered = List.of(spreadable(A, 0), spreadable(A, 1), spreadable(A, 2), spreadable(A, 3));
        List<Dispatch> plan = DispatchPlanner.plan(ordered, Map.of("n1", 2, "n2", 1, "n3", 1), c -> "n1", false);
        assertThat(plan).extracting(Dispatch::node).containsExactly("n1", "n1", "n2", "n3");
        assertThat(plan).extracting(Dispatch::owner).containsOnly("n1");
    }

    @Test
    void withTheRemoteBiasTheOwnerRunsADistributedJobsStepsOnlyWhenNoOtherNodeHasRoom() {
        List<Candidate> ordered = List.of(spreadable(A, 0), spreadable(A, 1), spreadable(A, 2));
        List<Dispatch> plan = DispatchPlanner.plan(ordered, Map.of("n1", 5, "n2", 1, "n3", 1), c -> "n1", true);
        assertThat(plan).extracting(Dispatch::node).containsExactly("n2", "n3", "n1");
    }

    @Test
    void stepsThatAreNotSpreadableStayWithTheOwner() {
        List<Candidate> ordered = List.of(step(A, 0, "n1"), spreadable(A, 1));
        assertThat(DispatchPlanner.plan(ordered, Map.of("n1", 0, "n2", 4), Candidate::owner, false))
                .containsExactly(new Dispatch(A, 1, "n2", "n1"));
    }

    private static Candidate spreadable(UUID job, int index) {
        return new Candidate(job, index, "n1", false, true, true);
    }

    @Test
    void aPassReadsOnlyAsDeepAsTheFreeSlotsNeed() {
        List<Candidate> queue = queue(1000, i -> "n1");
        List<Integer> reads = new ArrayList<>();
        DispatchPlanner.Pass pass = DispatchPlanner.planFromHead(headOf(queue, reads), 500, Map.of("n1", 20), Candidate::owner, false);
        assertThat(pass.plan()).hasSize(20);
        assertThat(reads).containsExactly(40);
        assertThat(pass.moreWaiting()).isTrue();
    }

    @Test
    void aPassReadsDeeperWhileTheHeadBelongsToBusyOwnersAndAsksEachJobsOwnerOnce() {
        List<Candidate> queue = queue(300, i -> i < 100 ? "busy" : "idle");
        List<Integer> reads = new ArrayList<>();
        List<UUID> asked = new ArrayList<>();
        DispatchPlanner.Pass pass = DispatchPlanner.planFromHead(headOf(queue, reads), 500, Map.of("busy", 0, "idle", 2), c -> {
            asked.add(c.jobId());
            return c.owner();
        }, false);
        assertThat(pass.plan()).extracting(Dispatch::node).containsExactly("idle", "idle");
        assertThat(pass.plan()).extracting(Dispatch::jobId).containsExactly(queue.get(100).jobId(), queue.get(101).jobId());
        assertThat(reads).containsExactly(16, 64, 256);
        assertThat(asked).doesNotHaveDuplicates().hasSize(102);
        assertThat(pass.moreWaiting()).as("256 of 300 read").isTrue();
    }

    @Test
    void aShortQueueIsReadOnce() {
        List<Candidate> queue = queue(5, i -> "busy");
        List<Integer> reads = new ArrayList<>();
        DispatchPlanner.Pass pass = DispatchPlanner.planFromHead(headOf(queue, reads), 500, Map.of("busy", 0, "idle", 4), Candidate::owner, false);
        assertThat(pass.plan()).isEmpty();
        assertThat(reads).containsExactly(16);
        assertThat(pass.moreWaiting()).isFalse();
    }

    @Test
    void eachEligibleMemberTakesItsSlotsPlusItsQueueAheadMinusWhatItHolds() {
        List<LiveMember> live = List.of(new LiveMember("a", 8, false), new LiveMember("b", 4, false),
                new LiveMember("draining", 8, true));
        Set<String> eligible = Set.of("a", "b");
        assertThat(DispatchPlanner.freeSlots(live, eligible, Map.of("a", 3), 0)).containsOnly(entry("a", 5), entry("b", 4));
        assertThat(DispatchPlanner.freeSlots(live, eligible, Map.of("a", 3, "b", 9), 2))
                .containsOnly(entry("a", 21), entry("b", 3));
    }

    /** Reads the head of the queue, and notes how deep. */
    private static java.util.function.IntFunction<List<Candidate>> headOf(List<Candidate> queue, List<Integer> reads) {
        return n -> {
            reads.add(n);
            return queue.subList(0, Math.min(n, queue.size()));
        };
    }

    private static List<Candidate> queue(int size, java.util.function.IntFunction<String> owner) {
        List<Candidate> queue = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            queue.add(step(new UUID(1, i), 0, owner.apply(i)));
        }
        return queue;
    }
}
