package io.flowcluster.server.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the scheduler does with a schedule's due ticks: the ticks that become jobs (oldest
 * first), how many passed without a job (missed: too late for the misfire policy; skipped:
 * refused by the concurrency policy), whether the runs still going are aborted first, and the
 * next tick (empty: the trigger has no more).
 */
public record TickPlan(List<Instant> fire, long missed, long skipped, boolean abortActive, Optional<Instant> next) {
}
