package io.flowcluster.server.store;

import io.flowcluster.server.job.JobState;
import io.flowcluster.server.job.StepKind;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.JobsEnded;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** The scheduler's view of the database: runnable steps, node capacity, and dispatching. */
@Singleton
public class DispatchStore {

    private static final String[] SLOTLESS = StepKind.SLOTLESS.stream().map(StepKind::wireName).toArray(String[]::new);

    private final Jdbi jdbi;
    private final JsonColumns json;

    DispatchStore(Jdbi jdbi, JsonColumns json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    /**
     * Applies the attempt ends that nodes recorded since the last time, in one transaction
     * fenced by the scheduler's epoch: for each job, under its lock, the pure step rules
     * ({@link io.flowcluster.server.job.StepStateMachine}) decide the step's next state (a retry
     * after backoff, or its end), the dependents that become ready or are skipped, and the
     * job's end; one statement writes them all. The node that ran a job's last step is told
     * that it ended, on its own channel. A deposed scheduler applies nothing. An end whose
     * step was aborted meanwhile is no longer its step's live attempt and changes nothing.
     *
     * @param among the jobs whose ends the nodes announced; empty: look for every recorded end
     */
    public AppliedEnds applyEnds(String scheduler, long epoch, Optional<Collection<UUID>> among) {
        return jdbi.inTransaction(h -> {
            List<UUID> locked = JobLocks.lockWithRecordedEndsFenced(h, scheduler, epoch, among);
            if (locked.isEmpty()) {
                return AppliedEnds.NONE;
            }
            List<JobSteps> jobs = JobSteps.loadWithRecordedEnds(h, locked, json);
            Map<String, Integer> freed = new TreeMap<>();
            Map<String, Map<UUID, JobState>> endedOn = new TreeMap<>();
            int applied = 0;
            for (JobSteps job : jobs) {
                for (JobSteps.RecordedEnd end : job.applyRecordedEnds()) {
                    applied++;
                    freed.merge(end.node(), end.holdsSlot() ? 1 : 0, Integer::sum);
                }
                job.endedOn().ifPresent(node -> endedOn.computeIfAbsent(node, n -> new LinkedHashMap<>())
                        .put(job.jobId(), job.outcome().orElseThrow()));
            }
            List<JobSteps.Notice> notices = new ArrayList<>();
            endedOn.forEach((node, ended) -> JobsEnded.payloads(ended)
                    .forEach(p -> notices.add(new JobSteps.Notice(Channel.ENDED.of(node), p))));
            JobSteps.writeChanges(h, jobs, notices);
            return new AppliedEnds(applied, freed, jobs.stream().flatMap(job -> job.backoffs().stream()).min(Comparator.naturalOrder()));
        });
    }

    /** The steps dispatched or running: slots held per node, and their jobs. One read per pass. */
    public ActiveSteps activeSteps() {
        record Active(UUID job, String node, boolean holdsSlot) {
        }
        List<Active> steps = jdbi.withHandle(h -> h.createQuery("""
                        select job_id, node, state = 'DISPATCHED' or kind <> all(:slotless) as holds_slot from step
                        where state in ('DISPATCHED', 'RUNNING')""")
                .bind("slotless", SLOTLESS)
                .map((rs, ctx) -> new Active(rs.getObject("job_id", UUID.class), rs.getString("node"), rs.getBoolean("holds_slot")))
                .list());
        Map<String, Integer> slots = new HashMap<>();
        steps.stream().filter(Active::holdsSlot).forEach(a -> slots.merge(a.node(), 1, Integer::sum));
        return new ActiveSteps(slots, steps.stream().map(Active::job).collect(Collectors.toSet()));
    }

    /**
     * READY steps whose backoff has passed, in dispatch order: priority, submission, step
     * order; {@code jobActive} tells which of their jobs have a step dispatched or running.
     */
    public List<Candidate> readyCandidates(int limit, Predicate<UUID> jobActive) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select s.job_id, s.idx, j.owner_node, s.kind <> all(:slotless) as holds_slot,
                            j.distribution = 'DISTRIBUTED' and s.kind = any(:spreadable) as spreadable
                        from step s join job j on j.id = s.job_id
                        where s.state = 'READY' and (s.not_before is null or s.not_before <= now())
                        order by s.job_priority desc, s.job_seq, s.idx
                        limit :limit""")
                .bind("limit", limit)
                .bind("spreadable", StepKind.SPREADABLE.stream().map(StepKind::wireName).toArray(String[]::new))
                .bind("slotless", SLOTLESS)
                .map((rs, ctx) -> {
                    UUID job = rs.getObject("job_id", UUID.class);
                    return new Candidate(job, rs.getInt("idx"), rs.getString("owner_node"), jobActive.test(job),
                            rs.getBoolean("spreadable"), rs.getBoolean("holds_slot"));
                })
                .list());
    }

    /** Steps waiting for the scheduler, backoff included. */
    public long readyCount() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from step where state = 'READY'")
                .mapTo(Long.class).one());
    }

    /** When the earliest step waiting out a retry backoff becomes runnable. */
    public Optional<Instant> nextBackoffEnd() {
        return jdbi.withHandle(h -> Optional.ofNullable(h.createQuery(
                        "select min(not_before) as due from step where state = 'READY' and not_before > now()")
                .map((rs, ctx) -> Columns.instant(rs, "due"))
                .one()));
    }

    /**
     * Moves the planned steps on, in one transaction fenced by the scheduler's epoch (a
     * deposed scheduler's plan is refused with {@link DeposedException}): those marked to
     * start become RUNNING on their node with their next attempt number, their job RUNNING,
     * and the node starts them on its notification without writing anything; the others
     * become DISPATCHED, queued on their node, which claims them as its slots free. Records
     * the jobs' owners. A step aborted meanwhile stays aborted. Returns how many moved.
     */
    public int dispatch(List<Dispatch> plan, String scheduler, long epoch) {
        if (plan.isEmpty()) {
            return 0;
        }
        return jdbi.inTransaction(h -> {
            JobLocks.lockAllFenced(h, plan.stream().map(Dispatch::jobId).collect(Collectors.toCollection(TreeSet::new)),
                    scheduler, epoch);
            Map<UUID, String> owners = new LinkedHashMap<>();
            Map<UUID, Boolean> starts = new HashMap<>();
            for (Dispatch d : plan) {
                owners.putIfAbsent(d.jobId(), d.owner());
                starts.merge(d.jobId(), d.start(), Boolean::logicalOr);
            }
            // one statement: the jobs' owners, the steps moved on, a notification on the own channel of
            // each node that got steps, and one for each job given an owner with messages waiting for it
            List<String> targets = plan.stream().map(Dispatch::node).distinct().toList();
            return h.createQuery("""
                    with owned as (
                        update job j set owner_node = o.owner, owner_epoch = :epoch,
                            state = case when o.starts and j.state = 'PENDING' then 'RUNNING' else j.state end,
                            started_at = case when o.starts and j.state = 'PENDING' then now() else j.started_at end
                        from unnest(cast(:owned as uuid[]), cast(:owners as text[]), cast(:starts as boolean[]))
                            as o(id, owner, starts)
                        where j.id = o.id and (j.owner_node is distinct from o.owner or (o.starts and j.state = 'PENDING'))
                        returning j.id),
                    moved as (
                        update step s set node = d.node, dispatched_epoch = :epoch, dispatched_at = now(),
                            state = case when d.start then 'RUNNING' else 'DISPATCHED' end,
                            attempt = s.attempt + case when d.start then 1 else 0 end,
                            started_at = case when d.start then now() end,
                            finished_at = null,
                            exit_code = case when d.start then null else s.exit_code end,
                            message = case when d.start then null else s.message end
                        from unnest(cast(:jobs as uuid[]), cast(:idx as int[]), cast(:nodes as text[]), cast(:start as boolean[]))
                            as d(job_id, idx, node, start)
                        where s.job_id = d.job_id and s.idx = d.idx and s.state = 'READY'
                        returning s.node)
                    select (select count(*) from moved) as moved,
                        (select count(pg_notify(w.channel, '')) from unnest(cast(:targets as text[]), cast(:channels as text[]))
                            as w(node, channel) where w.node in (select node from moved)) as woken,
                        (select count(pg_notify(:messages, o.id::text)) from owned o
                            where exists (select 1 from job_message m where m.job_id = o.id and m.processed_at is null)) as told""")
                    .bind("owned", owners.keySet().toArray(UUID[]::new))
                    .bind("owners", owners.values().toArray(String[]::new))
                    .bind("starts", owners.keySet().stream().map(starts::get).toArray(Boolean[]::new))
                    .bind("jobs", plan.stream().map(Dispatch::jobId).toArray(UUID[]::new))
                    .bind("idx", plan.stream().map(Dispatch::index).toArray(Integer[]::new))
                    .bind("nodes", plan.stream().map(Dispatch::node).toArray(String[]::new))
                    .bind("start", plan.stream().map(Dispatch::start).toArray(Boolean[]::new))
                    .bind("epoch", epoch)
                    .bind("targets", targets.toArray(String[]::new))
                    .bind("channels", targets.stream().map(Channel.WORKER::of).toArray(String[]::new))
                    .bind("messages", Channel.MESSAGE.sqlName())
                    .map((rs, ctx) -> rs.getInt("moved"))
                    .one();
        });
    }
}
