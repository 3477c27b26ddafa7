package io.flowcluster.server.schedule;

import java.time.Instant;
import java.util.Optional;

/** When a schedule's ticks fall: a cron expression in a time zone, or a fixed interval. */
public interface Trigger {

    /** The first tick strictly after {@code after}; empty when there is none (a cron for 31 February). */
    Optional<Instant> next(Instant after);
}
