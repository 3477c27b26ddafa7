package io.flowcluster.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What due ticks become under each policy, from the scheduler's view when it fires them. */
class TickPlannerTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final Trigger EVERY_MINUTE = new IntervalTrigger(Duration.ofMinutes(1), T0);
    private final TickPlanner planner = new TickPlanner(Duration.ofSeconds(30));

    @Test
    void aTickOnTimeFiresAndTheNextIsTheFollowingOne() {
        TickPlan plan = plan("fire-once", "allow", 1, at(1), at(1).plusSeconds(2), 0);
        assertThat(plan.fire()).containsExactly(at(1));
        assertThat(plan.next()).contains(at(2));
        assertThat(plan.missed()).isZero();
    }

    @Test
    void aTickDelayedByAFailoverWithinTheThresholdStillFiresUnderSkip() {
        TickPlan plan = plan("skip", "allow", 1, at(1), at(1).plusSeconds(5), 0);
        assertThat(plan.fire()).containsExactly(at(1));
    }

    @Test
    void afterAnOutageSkipFiresNothingLateAndCountsItMissed() {
        TickPlan plan = plan("skip", "allow", 1, at(1), at(10).plusSeconds(30), 0);
        assertThat(plan.fire()).as("10:10 is 30 s late: on time").containsExactly(at(10));
        assertThat(plan.missed()).isEqualTo(9);
        assertThat(plan.next()).contains(at(11));
    }

    @Test
    void afterAnOutageFireOnceFoldsTheLateTicksIntoTheLatest() {
        TickPlan plan = plan("fire-once", "allow", 1, at(1), at(10).plusSeconds(45), 0);
        assertThat(plan.fire()).containsExactly(at(10));
        assertThat(plan.missed()).isEqualTo(9);
    }

    @Test
    void afterAnOutageFireAllFiresTheLatestUpToItsBound() {
        TickPlan plan = plan("fire-all", "allow", 3, at(1), at(10).plusSeconds(45), 0);
        assertThat(plan.fire()).containsExactly(at(8), at(9), at(10));
        assertThat(plan.missed()).isEqualTo(7);
        TickPlan all = plan("fire-all", "allow", 100, at(1), at(10).plusSeconds(45), 0);
        assertThat(all.fire()).hasSize(10).first().isEqualTo(at(1));
    }

    @Test
    void forbidSkipsWhileARunIsGoingAndOtherwiseRunsOnlyTheLatest() {
        TickPlan busy = plan("fire-all", "forbid", 10, at(1), at(1).plusSeconds(1), 1);
        assertThat(busy.fire()).isEmpty();
        assertThat(busy.skipped()).isEqualTo(1);
        assertThat(busy.next()).as("the schedule moves on").contains(at(2));
        TickPlan idle = plan("fire-all", "forbid", 10, at(1), at(3).plusSeconds(45), 0);
        assertThat(idle.fire()).containsExactly(at(3));
        assertThat(idle.skipped()).isEqualTo(2);
    }

    @Test
    void replaceAbortsTheRunsGoingAndStartsTheTicksRun() {
        TickPlan plan = plan("fire-once", "replace", 10, at(1), at(1).plusSeconds(1), 2);
        assertThat(plan.fire()).containsExactly(at(1));
        assertThat(plan.abortActive()).isTrue();
        assertThat(plan("fire-once", "replace", 10, at(1), at(1).plusSeconds(1), 0).abortActive()).isFalse();
    }

    @Test
    void aBacklogBeyondTheBoundIsPassedOverToTheFirstTickAfterNow() {
        Trigger everySecond = new IntervalTrigger(Duration.ofSeconds(1), T0);
        Instant now = T0.plus(Duration.ofDays(1));
        TickPlan plan = planner.plan(spec("fire-all", "allow", 5), everySecond, T0.plusSeconds(1), now, 0);
        assertThat(plan.fire()).hasSize(5);
        assertThat(plan.missed()).isEqualTo(TickPlanner.MAX_TICKS - 5);
        assertThat(plan.next()).contains(now.plusSeconds(1));
    }

    @Test
    void aTriggerWithNoMoreTicksLeavesNoNext() {
        Trigger once = after -> after.isBefore(at(1)) ? Optional.of(at(1)) : Optional.empty();
        TickPlan plan = planner.plan(spec("fire-once", "allow", 1), once, at(1), at(1), 0);
        assertThat(plan.fire()).containsExactly(at(1));
        assertThat(plan.next()).isEmpty();
    }

    private TickPlan plan(String misfire, String concurrency, int maxCatchUp, Instant due, Instant now, int activeRuns) {
        return planner.plan(spec(misfire, concurrency, maxCatchUp), EVERY_MINUTE, due, now, activeRuns);
    }

    private static ScheduleSpec spec(String misfire, String concurrency, int maxCatchUp) {
        return new ScheduleSpec("s", null, "1m", null, null, null, misfire, maxCatchUp, concurrency);
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void theEveryTickListIsOldestFirst() {
        assertThat(plan("fire-all", "allow", 10, at(1), at(3), 0).fire()).isEqualTo(List.of(at(1), at(2), at(3)));
    }
}
