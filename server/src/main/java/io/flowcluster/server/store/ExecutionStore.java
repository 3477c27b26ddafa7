package io.flowcluster.server.store;

import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.notify.SchedulerSignal;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** A worker's view of the database: claiming dispatched steps, recording how they end, output. */
@Singleton
public class ExecutionStore {

    /**
     * True of a step {@code s} RUNNING whose current attempt has its row from its node: the
     * attempt ended and the scheduler has not applied the end yet. Such an attempt no longer
     * runs anywhere. (A LOST row is the hand-over's own, written just before it releases the step.)
     * {@code offset 0} keeps the test a lookup of the attempt's key per step: PostgreSQL would
     * otherwise make it a join that reads every attempt row, each time.
     */
    static final String ENDED_UNAPPLIED = """
            (s.state = 'RUNNING' and exists (select 1 from step_attempt a
                where a.job_id = s.job_id and a.idx = s.idx and a.attempt = s.attempt and a.outcome <> 'LOST' offset 0))""";

    private final Jdbi jdbi;
    private final JsonColumns json;

    ExecutionStore(Jdbi jdbi, JsonColumns json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    /**
     * The steps the scheduler started on this node that it does not run yet, most urgent
     * first: each is RUNNING there with its attempt number, and nothing needs writing to start
     * it. {@code known} tells the attempts this node has already, by {@link AttemptKey}; the
     * rows of those are not read further. Also counts the steps queued on this node
     * (DISPATCHED), which {@link #claim} takes as slots free.
     */
    public Assignments assigned(String node, Predicate<AttemptKey> known) {
        /** A row of the node's steps; {@code claim} only for a running attempt not known yet. */
        record Row(AttemptKey key, boolean running, Claim claim) {
        }
        List<Row> rows = jdbi.withHandle(h -> h.createQuery("""
                        select s.job_id, s.idx, s.attempt, s.state, s.spec::text as spec, s.job_priority, s.job_seq,
                            j.name, j.parameters::text as parameters, j.submitted_at, j.distribution,
                            j.started_at = s.started_at as starts_job
                        from step s join job j on j.id = s.job_id
                        where s.node = :node and s.state in ('DISPATCHED', 'RUNNING') and not """ + ENDED_UNAPPLIED + """
                        order by s.job_priority desc, s.job_seq, s.idx""")
                .bind("node", node)
                .map((rs, ctx) -> {
                    AttemptKey key = new AttemptKey(rs.getObject("job_id", UUID.class), rs.getInt("idx"), rs.getInt("attempt"));
                    boolean running = rs.getString("state").equals("RUNNING");
                    return new Row(key, running, running && !known.test(key) ? claim(rs, rs.getBoolean("starts_job")) : null);
                })
                .list());
        Set<UUID> jobsStarted = new HashSet<>();
        // a job started with the dispatch that made its first steps RUNNING: counted once
        List<Claim> start = rows.stream().filter(r -> r.claim() != null)
                .map(r -> r.claim().startsJob() && !jobsStarted.add(r.key().jobId()) ? r.claim().notStartingJob() : r.claim())
                .toList();
        Set<AttemptKey> running = rows.stream().filter(Row::running).map(Row::key).collect(Collectors.toSet());
        return new Assignments(start, running, (int) rows.stream().filter(r -> !r.running()).count());
    }

    /**
     * Claims up to {@code max} steps queued on this node, most urgent first: each becomes
     * RUNNING with the next attempt number, and its job RUNNING if it was PENDING. Returns
     * them most urgent first.
     */
    public List<Claim> claim(String node, int max) {
        return jdbi.inTransaction(h -> {
            // lock order: job rows first (see JobLocks)
            UUID[] jobs = h.createQuery("""
                            select id from job where id in (
                                select job_id from step where node = :node and state = 'DISPATCHED'
                                order by job_priority desc, job_seq, idx limit :max)
                            order by id for update""")
                    .bind("node", node).bind("max", max)
                    .mapTo(UUID.class).list().toArray(UUID[]::new);
            if (jobs.length == 0) {
                return List.of();
            }
            // one statement: the steps turn RUNNING, their jobs RUNNING if PENDING
            return h.createQuery("""
                            with picked as (
                                select job_id, idx from step
                                where node = :node and state = 'DISPATCHED' and job_id = any(:jobs)
                                order by job_priority desc, job_seq, idx limit :max),
                            claimed as (
                                update step s set state = 'RUNNING', attempt = s.attempt + 1, started_at = now(),
                                    finished_at = null, exit_code = null, message = null
                                from picked where s.job_id = picked.job_id and s.idx = picked.idx
                                returning s.job_id, s.idx, s.attempt, s.spec, s.job_priority, s.job_seq),
                            started as (
                                update job set state = 'RUNNING', started_at = now()
                                where id = any(:jobs) and state = 'PENDING' returning id)
                            select c.*, j.name, j.parameters, j.submitted_at, j.distribution,
                                started.id is not null and c.idx = min(c.idx) over (partition by c.job_id) as starts_job
                            from claimed c join job j on j.id = c.job_id left join started on started.id = c.job_id
                            order by c.job_priority desc, c.job_seq, c.idx""")
                    .bind("node", node).bind("max", max).bind("jobs", jobs)
                    .map((rs, ctx) -> claim(rs, rs.getBoolean("starts_job")))
                    .list();
        });
    }

    private Claim claim(ResultSet rs, boolean startsJob) throws java.sql.SQLException {
        return new Claim(
                rs.getObject("job_id", UUID.class),
                rs.getString("name"),
                rs.getInt("idx"),
                rs.getInt("attempt"),
                json.stepSpec(rs.getString("spec")),
                json.stringMap(rs.getString("parameters")),
                rs.getInt("job_priority"),
                rs.getLong("job_seq"),
                Columns.instant(rs, "submitted_at"),
                DistributionMode.valueOf(rs.getString("distribution")),
                startsJob);
    }

    /**
     * Records how attempts ended, in one statement for many: each end's attempt row, written
     * once, if the attempt is still the step's current one (RUNNING with that number). What
     * follows (the step's next state, its dependents, its job's end) is the scheduler's to
     * apply ({@link DispatchStore#applyEnds}), which this wakes. Nothing is locked: an attempt
     * handed over (LOST) or aborted meanwhile has its row already, and the row's unique key
     * refuses the second. One answer per end, in order: whether it was recorded.
     */
    public List<Boolean> recordEnds(List<AttemptEnd> ends) {
        if (ends.isEmpty()) {
            return List.of();
        }
        Set<AttemptKey> recorded = jdbi.withHandle(h -> h.createQuery("""
                        with recorded as (
                            insert into step_attempt (job_id, idx, attempt, node, started_at, finished_at, outcome, exit_code,
                                message)
                            select s.job_id, s.idx, s.attempt, s.node, e.started, now(), e.outcome, e.exit, e.message
                            from unnest(cast(:ended as uuid[]), cast(:idx as int[]), cast(:attempts as int[]),
                                        cast(:started as timestamptz[]), cast(:outcomes as text[]), cast(:exits as int[]),
                                        cast(:messages as text[])) as e(job_id, idx, attempt, started, outcome, exit, message)
                            join step s on s.job_id = e.job_id and s.idx = e.idx and s.attempt = e.attempt
                                and s.state = 'RUNNING'
                            order by s.job_id, s.idx -- the order a hand-over inserts in: no deadlock between the two
                            on conflict (job_id, idx, attempt) do nothing
                            returning job_id, idx, attempt)
                        select r.job_id, r.idx, r.attempt,
                            (select count(pg_notify(:channel, :signal || ids)) from (
                                select string_agg(job_id::text, ',') as ids from (
                                    select job_id, (row_number() over ()) / :perSignal as part from (select distinct job_id from recorded) d
                                ) p group by part) w) as woken
                        from recorded r""")
                .bind("ended", ends.stream().map(AttemptEnd::jobId).toArray(UUID[]::new))
                .bind("idx", ends.stream().map(AttemptEnd::index).toArray(Integer[]::new))
                .bind("attempts", ends.stream().map(AttemptEnd::attempt).toArray(Integer[]::new))
                .bind("started", ends.stream().map(e -> e.startedAt().toString()).toArray(String[]::new)) // ISO-8601, UTC
                .bind("outcomes", ends.stream().map(e -> e.result().outcome().name()).toArray(String[]::new))
                .bind("exits", ends.stream().map(e -> e.result().exitCode()).toArray(Integer[]::new))
                .bind("messages", ends.stream().map(e -> e.result().message()).toArray(String[]::new))
                .bind("channel", Channel.SCHEDULER.sqlName())
                .bind("signal", SchedulerSignal.ENDS)
                .bind("perSignal", SchedulerSignal.MAX_ENDED_JOBS)
                .map((rs, ctx) -> new AttemptKey(rs.getObject("job_id", UUID.class), rs.getInt("idx"), rs.getInt("attempt")))
                .collect(Collectors.toSet()));
        return ends.stream().map(e -> recorded.contains(new AttemptKey(e.jobId(), e.index(), e.attempt()))).toList();
    }

    /**
     * Hands back every step this node had: attempts it was running are LOST, and those steps,
     * like the ones dispatched to it, become READY for the scheduler again. Lost attempts do
     * not count against a step's retries. An attempt whose end the node recorded is not lost:
     * its step stays RUNNING until the scheduler applies the end.
     */
    public int releaseSteps(String node, String reason) {
        return jdbi.inTransaction(h -> releaseSteps(h, node, reason));
    }

    static int releaseSteps(Handle h, String node, String reason) {
        List<UUID> jobs = h.createQuery("""
                        select distinct job_id from step where node = :node and state in ('DISPATCHED', 'RUNNING')""")
                .bind("node", node).mapTo(UUID.class).list();
        if (jobs.isEmpty()) {
            return 0;
        }
        JobLocks.lockAll(h, new TreeSet<>(jobs));
        h.createUpdate("""
                insert into step_attempt (job_id, idx, attempt, node, started_at, finished_at, outcome, message)
                select job_id, idx, attempt, node, started_at, now(), 'LOST', :reason
                from step where node = :node and state = 'RUNNING' order by job_id, idx
                on conflict (job_id, idx, attempt) do nothing""")
                .bind("node", node).bind("reason", reason).execute();
        int released = h.createUpdate("""
                update step s set message = case when state = 'RUNNING'
                        then 'attempt ' || attempt || ' lost: ' || :reason end,
                    state = 'READY', not_before = null, started_at = null
                where node = :node and state in ('DISPATCHED', 'RUNNING') and not """ + ENDED_UNAPPLIED)
                .bind("node", node).bind("reason", reason).execute();
        Notifications.send(h, Channel.SCHEDULER, SchedulerSignal.MEMBERS);
        return released;
    }

    /** Hands back the steps dispatched to this node that it has not started (a draining node). */
    public int releaseDispatched(String node) {
        return jdbi.inTransaction(h -> {
            List<UUID> jobs = h.createQuery("select distinct job_id from step where node = :node and state = 'DISPATCHED'")
                    .bind("node", node).mapTo(UUID.class).list();
            if (jobs.isEmpty()) {
                return 0;
            }
            JobLocks.lockAll(h, new TreeSet<>(jobs));
            int released = h.createUpdate("update step set state = 'READY' where node = :node and state = 'DISPATCHED'")
                    .bind("node", node).execute();
            Notifications.send(h, Channel.SCHEDULER, SchedulerSignal.MEMBERS);
            return released;
        });
    }

    /**
     * Processes the messages that arrived for jobs this node owns: each is marked processed
     * by this node, once (the update is the claim, so two nodes cannot both take one).
     * Messages of jobs owned elsewhere, or by no one yet, are left for their owner.
     */
    public List<ArrivedMessage> takeMessages(String node) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update job_message m set processed_by = :node, processed_at = now()
                        from job j
                        where j.id = m.job_id and j.owner_node = :node and m.processed_at is null
                        returning m.job_id, m.name, m.payload::text as payload""")
                .bind("node", node)
                .map((rs, ctx) -> new ArrivedMessage(rs.getObject("job_id", UUID.class), rs.getString("name"),
                        rs.getString("payload")))
                .list());
    }

    /** The message a wait step needs, if its job's owner (this node or one before it) processed it. */
    public Optional<ArrivedMessage> processedMessage(UUID jobId, String name) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select job_id, name, payload::text as payload from job_message
                        where job_id = :job and name = :name and processed_at is not null order by id limit 1""")
                .bind("job", jobId).bind("name", name)
                .map((rs, ctx) -> new ArrivedMessage(rs.getObject("job_id", UUID.class), rs.getString("name"),
                        rs.getString("payload")))
                .findOne());
    }

    public void appendLog(OutputChunk chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            if (chunk.cutThrough() > 0) {
                h.createUpdate("""
                        delete from step_log where job_id = :job and idx = :idx and attempt = :attempt
                        and line_no between 1 and :cut and stream <> 'system'""")
                        .bind("job", chunk.jobId()).bind("idx", chunk.index()).bind("attempt", chunk.attempt())
                        .bind("cut", chunk.cutThrough()).execute();
            }
            if (chunk.lines().isEmpty()) {
                return;
            }
            PreparedBatch batch = h.prepareBatch("""
                    insert into step_log (job_id, idx, attempt, line_no, stream, at, line)
                    values (:job, :idx, :attempt, :no, :stream, :at, :line)
                    on conflict (job_id, idx, attempt, line_no) do update set at = excluded.at, line = excluded.line""");
            for (PendingLogLine l : chunk.lines()) {
                batch.bind("job", l.jobId()).bind("idx", l.index()).bind("attempt", l.attempt())
                        .bind("no", l.lineNo()).bind("stream", l.stream()).bind("at", l.at())
                        .bind("line", l.line()).add();
            }
            batch.execute();
        });
    }

    /** Ids of jobs among these that were aborted: a node re-checks after missing notifications. */
    public List<UUID> abortedAmong(List<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("select id from job where id = any(:ids) and state = 'ABORTED'")
                .bind("ids", jobIds.toArray(UUID[]::new)).mapTo(UUID.class).list());
    }
}
