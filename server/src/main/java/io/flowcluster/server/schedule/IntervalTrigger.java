package io.flowcluster.server.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Ticks every {@code interval} from an anchor (the schedule's creation): time zones and DST do not move them. */
record IntervalTrigger(Duration interval, Instant anchor) implements Trigger {

    @Override
    public Optional<Instant> next(Instant after) {
        if (after.isBefore(anchor)) {
            return Optional.of(anchor);
        }
        long periods = Duration.between(anchor, after).toNanos() / interval.toNanos() + 1;
        return Optional.of(anchor.plus(interval.multipliedBy(periods)));
    }
}
