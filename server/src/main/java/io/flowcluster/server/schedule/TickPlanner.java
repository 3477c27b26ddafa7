package io.flowcluster.server.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides what a schedule's due ticks become, from what the scheduler knows when it fires
 * them: the trigger, the first tick not yet handled, the time now, and how many runs of the
 * schedule are still going. Pure, so that every policy is tested without a clock or a database.
 */
public final class TickPlanner {

    /** Most ticks looked at in one plan: a schedule every second after a year without a scheduler stops here. */
    static final int MAX_TICKS = 10_000;

    private final Duration misfireThreshold;

    /** @param misfireThreshold a tick fired later than this after its time is late, and its schedule's misfire policy decides */
    public TickPlanner(Duration misfireThreshold) {
        this.misfireThreshold = misfireThreshold;
    }

    public TickPlan plan(ScheduleSpec spec, Trigger trigger, Instant due, Instant now, int activeRuns) {
        List<Instant> onTime = new ArrayList<>();
        List<Instant> late = new ArrayList<>();
        Optional<Instant> tick = Optional.of(due);
        int seen = 0;
        while (tick.isPresent() && !tick.get().isAfter(now) && seen < MAX_TICKS) {
            (Duration.between(tick.get(), now).compareTo(misfireThreshold) > 0 ? late : onTime).add(tick.get());
            seen++;
            tick = trigger.next(tick.get());
        }
        // beyond the bound, the rest of the backlog is passed over: the next tick is the first after now
        Optional<Instant> next = tick.isPresent() && !tick.get().isAfter(now) ? trigger.next(now) : tick;

        List<Instant> candidates = new ArrayList<>();
        long missed = 0;
        switch (spec.misfire()) {
            case SKIP -> missed += late.size();
            case FIRE_ONCE -> {
                if (!late.isEmpty() && onTime.isEmpty()) {
                    candidates.add(late.get(late.size() - 1));
                    missed += late.size() - 1;
                } else {
                    missed += late.size();
                }
            }
            case FIRE_ALL -> {
                int kept = Math.min(late.size(), spec.catchUpBound());
                missed += late.size() - kept;
                candidates.addAll(late.subList(late.size() - kept, late.size()));
            }
        }
        candidates.addAll(onTime);
        return concurrency(spec.concurrency(), candidates, activeRuns, missed, next);
    }

    /** Forbid and replace keep one run at a time: of several ticks due at once only the latest runs. */
    private static TickPlan concurrency(ConcurrencyPolicy policy, List<Instant> candidates, int activeRuns, long missed,
            Optional<Instant> next) {
        if (candidates.isEmpty() || policy == ConcurrencyPolicy.ALLOW) {
            return new TickPlan(candidates, missed, 0, false, next);
        }
        if (policy == ConcurrencyPolicy.FORBID && activeRuns > 0) {
            return new TickPlan(List.of(), missed, candidates.size(), false, next);
        }
        List<Instant> latest = List.of(candidates.get(candidates.size() - 1));
        return new TickPlan(latest, missed, candidates.size() - 1, policy == ConcurrencyPolicy.REPLACE && activeRuns > 0, next);
    }
}
