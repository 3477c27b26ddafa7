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
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Schedules, and the firing of their ticks into jobs. */
@Singleton
public class ScheduleStore {

    private static final String COLUMNS = "name, spec, anchor, next_tick, last_tick, fired, missed, skipped, created_at, updated_at";

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
     * Fires up to {@code limit} schedules due at {@code now}, in one transaction fenced by the
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
            List<Duration> lateness = new ArrayList<>();
            long missed = 0;
            long skipped = 0;
            for (DueSchedule s : due) {
                List<UUID> active = s.spec.concurrency() == ConcurrencyPolicy.ALLOW ? List.of() : activeRuns(h, s.spec.name());
                TickPlan plan = planner.plan(s.spec, s.spec.trigger(s.anchor), s.nextTick, now, active.size());
                if (plan.abortActive()) {
                    active.forEach(id -> JobStore.abort(h, id));
                }
                for (Instant tick : plan.fire()) {
                    if (jobs.submitScheduled(h, UUID.randomUUID(), s.spec.job(), s.spec.job().distributionOr(defaultDistribution),
                            new ScheduleTick(s.spec.name(), tick))) {
                        lateness.add(Duration.between(tick, now));
                    }
                }
                h.createUpdate("""
                        update schedule set next_tick = :next, last_tick = coalesce(:last, last_tick),
                            fired = fired + :fired, missed = missed + :missed, skipped = skipped + :skipped
                        where name = :name""")
                        .bind("name", s.spec.name())
                        .bind("next", plan.next().orElse(null))
                        .bind("last", plan.fire().isEmpty() ? null : plan.fire().get(plan.fire().size() - 1))
                        .bind("fired", plan.fire().size())
                        .bind("missed", plan.missed())
                        .bind("skipped", plan.skipped())
                        .execute();
                missed += plan.missed();
                skipped += plan.skipped();
            }
            return new FiringReport(due.size(), lateness, missed, skipped);
        });
    }

    private record DueSchedule(ScheduleSpec spec, Instant anchor, Instant nextTick) {
    }

    private static List<UUID> activeRuns(Handle h, String schedule) {
        return h.createQuery("select id from job where schedule_name = :name and state in ('PENDING', 'RUNNING') order by id")
                .bind("name", schedule)
                .mapTo(UUID.class)
                .list();
    }

    private StoredSchedule schedule(ResultSet rs) throws SQLException {
        return new StoredSchedule(json.scheduleSpec(rs.getString("spec")), Columns.instant(rs, "anchor"),
                Columns.instant(rs, "next_tick"), Columns.instant(rs, "last_tick"), rs.getLong("fired"), rs.getLong("missed"),
                rs.getLong("skipped"), Columns.instant(rs, "created_at"), Columns.instant(rs, "updated_at"));
    }
}
