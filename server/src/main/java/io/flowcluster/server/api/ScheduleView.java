package io.flowcluster.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.flowcluster.server.job.JobSpec;
import io.flowcluster.server.job.JobState;
import io.flowcluster.server.schedule.ScheduleSpec;
import io.flowcluster.server.store.StoredJob;
import io.flowcluster.server.store.StoredSchedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A schedule as the API shows it: its definition with every default filled in, the next
 * times it fires (none while paused), what its ticks became, and (on the single resource)
 * its last runs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleView(
        String name,
        String cron,
        String interval,
        String timeZone,
        boolean paused,
        String misfirePolicy,
        int maxCatchUp,
        String concurrencyPolicy,
        JobSpec job,
        List<Instant> nextFireTimes,
        Instant lastTick,
        long fired,
        long missed,
        long skipped,
        Instant createdAt,
        Instant updatedAt,
        List<Run> lastRuns) {

    static final int NEXT_FIRE_TIMES = 5;

    /** A job a tick made. */
    public record Run(UUID id, Instant tick, JobState state, Instant submittedAt, Instant finishedAt) {
    }

    static ScheduleView of(StoredSchedule s, List<StoredJob> runs) {
        ScheduleSpec spec = s.spec();
        return new ScheduleView(spec.name(), spec.cron(), spec.interval(), spec.zone().getId(), s.paused(),
                spec.misfire().wireName(), spec.catchUpBound(), spec.concurrency().wireName(), spec.job(),
                s.paused() ? List.of() : nextFireTimes(s), s.lastTick(), s.fired(), s.missed(), s.skipped(), s.createdAt(),
                s.updatedAt(), runs == null ? null
                        : runs.stream().map(j -> new Run(j.id(), j.schedule().at(), j.state(), j.submittedAt(), j.finishedAt())).toList());
    }

    private static List<Instant> nextFireTimes(StoredSchedule s) {
        List<Instant> times = new ArrayList<>();
        Optional<Instant> next = Optional.ofNullable(s.nextTick());
        var trigger = s.spec().trigger(s.anchor());
        while (next.isPresent() && times.size() < NEXT_FIRE_TIMES) {
            times.add(next.get());
            next = trigger.next(next.get());
        }
        return times;
    }
}
