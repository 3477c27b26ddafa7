package io.flowcluster.server.store;

import io.flowcluster.server.schedule.ScheduleSpec;
import java.time.Instant;

/** A schedule as stored, with where it stands: its next tick and what its ticks became. */
public record StoredSchedule(
        ScheduleSpec spec,
        /** Whether it is paused: the column the firing reads, which the spec's field only sets. */
        boolean paused,
        Instant anchor,
        Instant nextTick,
        Instant lastTick,
        long fired,
        long missed,
        long skipped,
        Instant createdAt,
        Instant updatedAt) {

    public String name() {
        return spec.name();
    }
}
