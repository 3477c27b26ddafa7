package io.flowcluster.server.store;

import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.schedule.ConcurrencyPolicy;
import io.flowcluster.server.schedule.ScheduleSpec;
import io.flowcluster.server.schedule.TickPlan;
import io.flowcluster.server.schedule.TickPlanner;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Schedules, and the firing of their ticks into jobs. */
@Singleton
public class ScheduleStore {

    private static final String COLUMNS = "name, spec, paused, anchor, next_tick, last_tick, fired, missed, skipped, created_at, updated_at";

    private final Jdbi jdbi;
    private final JsonColumns json;
    private final JobStore jobs;

    ScheduleStore(Jdbi jdbi, JsonColumns json, JobStore jobs) {
        this.jdbi = jdbi;
        this.json = json;
        this.jobs = jobs;
    }

    /** Stores a new schedule; false when one of that name exists. */
    public boolean create(ScheduleSpec spec, Instant anchor, Optional<Instant> firstTick) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        insert into schedule (name, spec, paused, anchor, next_tick)
                        values (:name, cast(:spec as jsonb), :paused, :anchor, :next)
                        on conflict (name) do nothing""")
                .bind("name", spec.name())
                .bind("spec", json.write(spec))
                .bind("paused", spec.isPaused())
                .bind("anchor", anchor)
                .bind("next", firstTick.orElse(null))
                .execute() == 1);
    }

    /** Replaces a schedule's definition; its ticks count anew from {@code anchor}, its counts stay. Empty when there is none. */
    public Optional<StoredSchedule> replace(ScheduleSpec spec, Instant anchor, Optional<Instant> firstTick) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update schedule set spec = cast(:spec as jsonb), paused = :paused, anchor = :anchor, next_tick = :next,
                            updated_at = now()
                        where name = :name
                        returning""" + " " + COLUMNS)
                .bind("name", spec.name())
                .bind("spec", json.write(spec))
                .bind("paused", spec.isPaused())
                .bind("anchor", anchor)
                .bind("next", firstTick.orElse(null))
                .map((rs, ctx) -> schedule(rs))
                .findOne());
    }

    /** Deletes a schedule; the jobs it made stay (and keep its name). */
    public boolean delete(String name) {
        return jdbi.withHandle(h -> h.createUpdate("delete from schedule where name = :name").bind("name", name).execute() == 1);
    }

    public Optional<StoredSchedule> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from schedule where name = :name")
                .bind("name", name)
                .map((rs, ctx) -> schedule(rs))
                .findOne());
    }

    /** Schedules by name, those after {@code after}. */
    public List<StoredSchedule> list(String after, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from schedule where name > :after order by name limit :limit")
                .bind("after", after)
                .bind("limit", limit)
                .map((rs, ctx) -> schedule(rs))
                .list());
    }

    /** The earliest tick of any schedule not paused: when firing is next due. */
    public Optional<Instant> nextDue() {
        return jdbi.withHandle(h -> h.createQuery("select min(next_tick) from schedule where not paused and next_tick is not null")
                .map((rs, ctx) -> Columns.instant(rs, "min"))
                .findOne()
                .flatMap(Optional::ofNullable));
    }

    /**
     * Invariant 12. Fires up to {@code limit} schedules due at {@code now}, in one transaction fenced by the
     * scheduler's epoch: each schedule's due ticks become jobs (as {@code planner} decides),
     * and its next tick moves on, together or not at all. A tick is thus one job whatever dies
     * when: a scheduler that dies before the commit leaves the tick due for the next one; one
     * that was deposed commits nothing.
     *
     * @throws DeposedException when {@code node} no longer holds the lease at {@code epoch}
     */
    public FiringReport fireDue(String node, long epoch, Instant now, int limit, TickPlanner planner,
            DistributionMode defaultDistribution) {
        return jdbi.inTransaction(h -> {
            Fencing.check(h, node, epoch);
            List<DueSchedule> due = h.createQuery("""
                            select name, spec, anchor, next_tick from schedule
                            where not paused and next_tick <= :now order by next_tick limit :limit for update skip locked""")
                    .bind("now", now)
                    .bind("limit", limit)
                    .map((rs, ctx) -> new DueSchedule(json.scheduleSpec(rs.getString("spec")),
                            Columns.instant(rs, "anchor"), Columns.instant(rs, "next_tick")))
                    .list();
            Map<String, List<UUID>> active = activeRuns(h, due.stream().filter(d -> d.spec.concurrency() != ConcurrencyPolicy.ALLOW)
                    .map(d -> d.spec.name()).toList());
            List<JobStore.ScheduledJob> jobsToStore = new ArrayList<>();
            List<Moved> moved = new ArrayList<>();
            for (DueSchedule s : due) {
                List<UUID> running = active.getOrDefault(s.spec.name(), List.of());
                TickPlan plan = planner.plan(s.spec, s.spec.trigger(s.anchor), s.nextTick, now, running.size());
                if (plan.abortActive()) {
                    running.forEach(id -> JobStore.abort(h, id));
                }
                for (Instant tick : plan.fire()) {
                    jobsToStore.add(new JobStore.ScheduledJob(UUID.randomUUID(), s.spec.job(),
                            s.spec.job().distributionOr(defaultDistribution), new ScheduleTick(s.spec.name(), tick)));
                }
                moved.add(new Moved(s.spec.name(), plan));
            }
            Set<UUID> stored = jobs.submitScheduled(h, jobsToStore);
            List<Duration> lateness = jobsToStore.stream().filter(j -> stored.contains(j.id()))
                    .map(j -> Duration.between(j.tick().at(), now)).toList();
            moveOn(h, moved);
            return new FiringReport(due.size(), lateness, moved.stream().mapToLong(m -> m.plan.missed()).sum(),
                    moved.stream().mapToLong(m -> m.plan.skipped()).sum());
        });
    }

    /** A schedule fired: where it goes next, and what its ticks became. */
    private record Moved(String name, TickPlan plan) {
    }

    /** Moves the fired schedules to their next ticks and counts what their ticks became, in one statement. */
    private static void moveOn(Handle h, List<Moved> moved) {
        if (moved.isEmpty()) {
            return;
        }
        h.createUpdate("""
                update schedule s set next_tick = m.next, last_tick = coalesce(m.last, s.last_tick),
                    fired = s.fired + m.fired, missed = s.missed + m.missed, skipped = s.skipped + m.skipped
                from unnest(cast(:names as text[]), cast(:nexts as timestamptz[]), cast(:lasts as timestamptz[]),
                        cast(:fired as bigint[]), cast(:missed as bigint[]), cast(:skipped as bigint[]))
                    as m(name, next, last, fired, missed, skipped)
                where s.name = m.name""")
                .bind("names", moved.stream().map(Moved::name).toArray(String[]::new))
                .bind("nexts", moved.stream().map(m -> m.plan.next().map(Instant::toString).orElse(null)).toArray(String[]::new))
                .bind("lasts", moved.stream().map(m -> m.plan.fire().isEmpty() ? null
                        : m.plan.fire().get(m.plan.fire().size() - 1).toString()).toArray(String[]::new))
                .bind("fired", moved.stream().map(m -> (long) m.plan.fire().size()).toArray(Long[]::new))
                .bind("missed", moved.stream().map(m -> m.plan.missed()).toArray(Long[]::new))
                .bind("skipped", moved.stream().map(m -> m.plan.skipped()).toArray(Long[]::new))
                .execute();
    }

    private record DueSchedule(ScheduleSpec spec, Instant anchor, Instant nextTick) {
    }

    /** The jobs of these schedules that have not ended, by schedule. */
    private static Map<String, List<UUID>> activeRuns(Handle h, List<String> schedules) {
        Map<String, List<UUID>> active = new HashMap<>();
        if (!schedules.isEmpty()) {
            h.createQuery("""
                            select schedule_name, id from job
                            where schedule_name = any(:names) and state in ('PENDING', 'RUNNING') order by id""")
                    .bind("names", schedules.toArray(String[]::new))
                    .map((rs, ctx) -> Map.entry(rs.getString("schedule_name"), rs.getObject("id", UUID.class)))
                    .forEach(e -> active.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        }
        return active;
    }

    private StoredSchedule schedule(ResultSet rs) throws SQLException {
        return new StoredSchedule(json.scheduleSpec(rs.getString("spec")), rs.getBoolean("paused"), Columns.instant(rs, "anchor"),
                Columns.instant(rs, "next_tick"), Columns.instant(rs, "last_tick"), rs.getLong("fired"), rs.getLong("missed"),
                rs.getLong("skipped"), Columns.instant(rs, "created_at"), Columns.instant(rs, "updated_at"));
    }
}
