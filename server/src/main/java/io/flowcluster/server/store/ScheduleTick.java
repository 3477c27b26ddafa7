package io.flowcluster.server.store;

import java.time.Instant;

/** A tick of a schedule: which one, and the time it was due (not when it fired). */
public record ScheduleTick(String schedule, Instant at) {
}
