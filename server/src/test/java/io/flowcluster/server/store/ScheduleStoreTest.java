package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobSpec;
import io.flowcluster.server.job.JobState;
import io.flowcluster.server.job.StepSpec;
import io.flowcluster.server.schedule.ScheduleSpec;
import io.flowcluster.server.schedule.TickPlanner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Invariant 12: a tick becomes one job, in the transaction that moves its schedule on and is fenced by the scheduler's epoch. */
class ScheduleStoreTest extends Stores {

    private static final Instant ANCHOR = Instant.parse("2026-12-07T10:00:00Z");
    private static final TickPlanner PLANNER = new TickPlanner(Duration.ofSeconds(30));
    private long epoch;

    @BeforeEach
    void holdLease() {
        epoch = cluster.holdLease("sched", Duration.ofSeconds(30)).orElseThrow();
    }

    @Test
    void eachDueTickBecomesOneJobThatNamesItAndTheScheduleMovesOn() {
        create(schedule("every-minute", "allow"));
        FiringReport first = fire(at(3));
        assertThat(first.fired()).isEqualTo(3);
        assertThat(first.lateness()).containsExactly(Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ZERO);
        assertThat(fire(at(3)).fired()).as("fired again at the same time: nothing is due").isZero();

        List<StoredJob> runs = jobs.runs("every-minute", 10);
        assertThat(runs).extracting(j -> j.schedule().at()).containsExactly(at(3), at(2), at(1));
        assertThat(runs).extracting(StoredJob::name).containsOnly("tick");
        StoredSchedule s = schedules.find("every-minute").orElseThrow();
        assertThat(s.nextTick()).isEqualTo(at(4));
        assertThat(s.lastTick()).isEqualTo(at(3));
        assertThat(s.fired()).isEqualTo(3);
    }

    @Test
    void aDeposedSchedulerFiresNothingAndMovesNothing() {
        create(schedule("every-minute", "allow"));
        assertThatThrownBy(() -> schedules.fireDue("sched", epoch - 1, at(3), 100, PLANNER, DistributionMode.LOCAL))
                .isInstanceOf(DeposedException.class);
        assertThatThrownBy(() -> schedules.fireDue("other", epoch, at(3), 100, PLANNER, DistributionMode.LOCAL))
                .isInstanceOf(DeposedException.class);
        assertThat(jobs.runs("every-minute", 10)).isEmpty();
        assertThat(schedules.find("every-minute").orElseThrow().nextTick()).isEqualTo(at(1));
    }

    @Test
    void aSecondJobForATickCannotBeStored() {
        create(schedule("every-minute", "allow"));
        fire(at(1));
        java.util.Set<java.util.UUID> again = jdbi.inTransaction(h -> jobs.submitScheduled(h, List.of(new JobStore.ScheduledJob(
                java.util.UUID.randomUUID(), job(), DistributionMode.LOCAL, new ScheduleTick("every-minute", at(1))))));
        assertThat(again).isEmpty();
        assertThat(jobs.runs("every-minute", 10)).hasSize(1);
    }

    @Test
    void forbidSkipsATickWhileARunGoesAndReplaceAbortsIt() {
        create(schedule("forbidding", "forbid"));
        create(schedule("replacing", "replace"));
        fire(at(1));
        FiringReport second = fire(at(2));
        assertThat(second.skipped()).isEqualTo(1);
        assertThat(jobs.runs("forbidding", 10)).hasSize(1);
        List<StoredJob> replaced = jobs.runs("replacing", 10);
        assertThat(replaced).extracting(StoredJob::state).containsExactly(JobState.PENDING, JobState.ABORTED);
        assertThat(schedules.find("forbidding").orElseThrow().skipped()).isEqualTo(1);
    }

    @Test
    void aPausedScheduleFiresNothingAndAReplacedOneCountsFromItsNewAnchor() {
        ScheduleSpec paused = new ScheduleSpec("paused", null, "1m", null, job(), true, null, null, null);
        create(paused);
        assertThat(fire(at(5)).fired()).isZero();
        ScheduleSpec resumed = new ScheduleSpec("paused", null, "1m", null, job(), false, null, null, null);
        Instant anchor = at(5);
        assertThat(schedules.replace(resumed, anchor, resumed.trigger(anchor).next(anchor))).isPresent();
        assertThat(schedules.find("paused").orElseThrow().nextTick()).isEqualTo(at(6));
        assertThat(schedules.nextDue()).contains(at(6));
        assertThat(schedules.create(resumed, anchor, Optional.empty())).as("the name is taken").isFalse();
        assertThat(schedules.delete("paused")).isTrue();
        assertThat(schedules.find("paused")).isEmpty();
    }

    private FiringReport fire(Instant now) {
        return schedules.fireDue("sched", epoch, now, 100, PLANNER, DistributionMode.LOCAL);
    }

    private static void create(ScheduleSpec spec) {
        assertThat(schedules.create(spec, ANCHOR, spec.trigger(ANCHOR).next(ANCHOR))).isTrue();
    }

    private static ScheduleSpec schedule(String name, String concurrency) {
        return new ScheduleSpec(name, null, "1m", null, job(), null, "fire-all", null, concurrency);
    }

    private static JobSpec job() {
        return new JobSpec("tick", 0, null, null, List.of(new StepSpec("a", "noop", null, null, null, null, null, null, null, null, null)),
                null, null);
    }

    private static Instant at(int minutes) {
        return ANCHOR.plus(Duration.ofMinutes(minutes));
    }
}
