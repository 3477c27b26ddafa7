package io.flowcluster.server.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.flowcluster.contract.Durations;
import io.flowcluster.server.job.JobSpec;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A schedule as given: the body of {@code POST /api/v1/schedules} and {@code PUT
 * /api/v1/schedules/{name}}. Exactly one of {@code cron} and {@code interval}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleSpec(
        String name,
        String cron,
        String interval,
        String timeZone,
        JobSpec job,
        Boolean paused,
        String misfirePolicy,
        Integer maxCatchUp,
        String concurrencyPolicy) {

    public static final String DEFAULT_TIME_ZONE = "UTC";
    public static final int DEFAULT_MAX_CATCH_UP = 10;

    public ZoneId zone() {
        return ZoneId.of(timeZone == null ? DEFAULT_TIME_ZONE : timeZone);
    }

    /** The trigger of a validated spec; an interval counts from {@code anchor}. */
    public Trigger trigger(Instant anchor) {
        return cron != null ? CronTrigger.parse(cron, zone()) : new IntervalTrigger(Durations.parse(interval), anchor);
    }

    public boolean isPaused() {
        return paused != null && paused;
    }

    public MisfirePolicy misfire() {
        return misfirePolicy == null ? MisfirePolicy.FIRE_ONCE : MisfirePolicy.fromWireName(misfirePolicy).orElseThrow();
    }

    public int catchUpBound() {
        return maxCatchUp == null ? DEFAULT_MAX_CATCH_UP : maxCatchUp;
    }

    public ConcurrencyPolicy concurrency() {
        return concurrencyPolicy == null ? ConcurrencyPolicy.ALLOW : ConcurrencyPolicy.fromWireName(concurrencyPolicy).orElseThrow();
    }

    /** The same schedule under {@code name} (a PUT names it in its path). */
    public ScheduleSpec named(String name) {
        return new ScheduleSpec(name, cron, interval, timeZone, job, paused, misfirePolicy, maxCatchUp, concurrencyPolicy);
    }
}
