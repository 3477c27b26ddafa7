package io.flowcluster.server.store;

import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobGraph;
import io.flowcluster.server.job.StepState;
import io.flowcluster.server.job.StepStateMachine;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.notify.SchedulerSignal;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
                        where s.node = :node and s.state in ('DISPATCHED', 'RUNNING')
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
            GenericPlans.use(h);
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
     * Records how attempts ended and what follows for their jobs, all in one transaction:
     * a retry after backoff, the dependents that become ready, the dependents skipped after a
     * final failure, the job's end. One completion per attempt end, in the same order.
     */
    public List<Completion> complete(List<AttemptEnd> ends) {
        if (ends.isEmpty()) {
            return List.of();
        }
        return jdbi.inTransaction(h -> {
            Set<UUID> jobIds = ends.stream().map(AttemptEnd::jobId).collect(Collectors.toCollection(TreeSet::new));
            JobLocks.lockAllWithGenericPlans(h, jobIds);
            Map<UUID, JobSteps> jobs = JobSteps.recordEndsAndLoad(h, ends, jobIds, json);
            List<Completion> completions = ends.stream().map(e -> {
                StepStateMachine steps = jobs.get(e.jobId()).machine;
                return steps.attemptEnded(e.index(), e.attempt(), e.result())
                        ? new Completion(false, steps.outcome()) : Completion.fencedOff();
            }).toList();
            // the scheduler counts the freed slots without reading what the nodes hold
            List<String> freed = ends.stream().collect(Collectors.groupingBy(AttemptEnd::node, TreeMap::new,
                            Collectors.summingInt(e -> e.holdsSlot() ? 1 : 0)))
                    .entrySet().stream().map(e -> SchedulerSignal.ended(e.getKey(), e.getValue())).toList();
            JobSteps.writeChanges(h, jobs.values(), freed);
            return completions;
        });
    }

    /**
     * Hands back every step this node had: attempts it was running are LOST, and those steps,
     * like the ones dispatched to it, become READY for the scheduler again. Lost attempts do
     * not count against a step's retries.
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
                from step where node = :node and state = 'RUNNING'""")
                .bind("node", node).bind("reason", reason).execute();
        int released = h.createUpdate("""
                update step set message = case when state = 'RUNNING'
                        then 'attempt ' || attempt || ' lost: ' || :reason end,
                    state = 'READY', not_before = null, started_at = null
                where node = :node and state in ('DISPATCHED', 'RUNNING')""")
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

    /** The steps of one job, loaded under its lock, in the state machine that completions drive. */
    private static final class JobSteps {
        final UUID jobId;
        final StepStateMachine machine;

        private JobSteps(UUID jobId, List<Map<String, Object>> rows, JsonColumns json) {
            int n = rows.size();
            this.jobId = jobId;
            String[] names = new String[n];
            String[] specs = new String[n];
            StepState[] states = new StepState[n];
            int[] attempts = new int[n];
            int[] failures = new int[n];
            int[][] deps = new int[n][];
            for (Map<String, Object> row : rows) {
                int i = (Integer) row.get("idx");
                names[i] = (String) row.get("name");
                specs[i] = String.valueOf(row.get("spec"));
                states[i] = StepState.valueOf((String) row.get("state"));
                attempts[i] = (Integer) row.get("attempt");
                failures[i] = (Integer) row.get("failures");
                deps[i] = toInts(row.get("depends_on"));
            }
            machine = new StepStateMachine(names, i -> json.stepSpec(specs[i]).retryPolicy(), states, attempts, failures,
                    new JobGraph(deps));
        }

        /**
         * Records the ends' attempt rows and loads the steps of their jobs, each job's in index
         * order, in one statement. An attempt row is written once, as the attempt ends, and only
         * for the attempt still current (the step RUNNING with it); the steps are read as they
         * were before the insert, which does not change them.
         */
        static Map<UUID, JobSteps> recordEndsAndLoad(Handle h, List<AttemptEnd> ends, Set<UUID> jobIds, JsonColumns json) {
            Map<UUID, List<Map<String, Object>>> rows = h.createQuery("""
                            with recorded as (
                                insert into step_attempt (job_id, idx, attempt, node, started_at, finished_at, outcome, exit_code,
                                    message)
                                select s.job_id, s.idx, s.attempt, s.node, e.started, now(), e.outcome, e.exit, e.message
                                from unnest(cast(:ended as uuid[]), cast(:idx as int[]), cast(:attempts as int[]),
                                            cast(:started as timestamptz[]), cast(:outcomes as text[]), cast(:exits as int[]),
                                            cast(:messages as text[])) as e(job_id, idx, attempt, started, outcome, exit, message)
                                join step s on s.job_id = e.job_id and s.idx = e.idx and s.attempt = e.attempt
                                    and s.state = 'RUNNING')
                            select job_id, idx, name, spec::text as spec, state, attempt, failures, depends_on
                            from step where job_id = any(:jobs) order by job_id, idx""")
                    .bind("ended", ends.stream().map(AttemptEnd::jobId).toArray(UUID[]::new))
                    .bind("idx", ends.stream().map(AttemptEnd::index).toArray(Integer[]::new))
                    .bind("attempts", ends.stream().map(AttemptEnd::attempt).toArray(Integer[]::new))
                    .bind("started", ends.stream().map(e -> e.startedAt().toString()).toArray(String[]::new)) // ISO-8601, UTC
                    .bind("outcomes", ends.stream().map(e -> e.result().outcome().name()).toArray(String[]::new))
                    .bind("exits", ends.stream().map(e -> e.result().exitCode()).toArray(Integer[]::new))
                    .bind("messages", ends.stream().map(e -> e.result().message()).toArray(String[]::new))
                    .bind("jobs", jobIds.toArray(UUID[]::new))
                    .mapToMap().stream()
                    .collect(Collectors.groupingBy(row -> (UUID) row.get("job_id"), LinkedHashMap::new, Collectors.toList()));
            Map<UUID, JobSteps> jobs = new LinkedHashMap<>();
            rows.forEach((id, list) -> jobs.put(id, new JobSteps(id, list, json)));
            return jobs;
        }

        /**
         * Writes what the state machines changed, in one statement: the changed steps of many
         * jobs, the jobs that ended, and the scheduler's notifications.
         */
        static void writeChanges(Handle h, Collection<JobSteps> jobs, List<String> notifications) {
            List<UUID> ids = new ArrayList<>();
            List<Integer> indexes = new ArrayList<>();
            List<StepStateMachine.Change> changes = new ArrayList<>();
            for (JobSteps job : jobs) {
                job.machine.changes().forEach((index, change) -> {
                    ids.add(job.jobId);
                    indexes.add(index);
                    changes.add(change);
                });
            }
            List<JobSteps> finished = jobs.stream().filter(j -> j.machine.outcome().isPresent()).toList();
            h.createQuery("""
                    with changed as (
                        update step s set state = c.state, exit_code = c.exit, message = c.message, failures = c.failures,
                            not_before = case when c.backoff is null then s.not_before
                                              else now() + make_interval(secs => c.backoff) end,
                            finished_at = case when c.terminal then now() end
                        from unnest(cast(:jobs as uuid[]), cast(:idx as int[]), cast(:states as text[]), cast(:exits as int[]),
                                    cast(:messages as text[]), cast(:failures as int[]), cast(:backoffs as float8[]),
                                    cast(:terminal as boolean[]))
                            as c(job_id, idx, state, exit, message, failures, backoff, terminal)
                        where s.job_id = c.job_id and s.idx = c.idx),
                    ended as (
                        update job j set state = f.state, finished_at = now(),
                            expires_at = now() + make_interval(secs => j.retention_seconds)
                        from unnest(cast(:finished as uuid[]), cast(:outcomes as text[])) as f(id, state) where j.id = f.id)
                    select count(pg_notify(:channel, p)) from unnest(cast(:notifications as text[])) as p""")
                    .bind("jobs", ids.toArray(UUID[]::new))
                    .bind("idx", indexes.toArray(Integer[]::new))
                    .bind("states", changes.stream().map(c -> c.state().name()).toArray(String[]::new))
                    .bind("exits", changes.stream().map(StepStateMachine.Change::exitCode).toArray(Integer[]::new))
                    .bind("messages", changes.stream().map(StepStateMachine.Change::message).toArray(String[]::new))
                    .bind("failures", changes.stream().map(StepStateMachine.Change::failures).toArray(Integer[]::new))
                    .bind("backoffs", changes.stream()
                            .map(c -> c.backoff() == null ? null : c.backoff().toMillis() / 1000.0).toArray(Double[]::new))
                    .bind("terminal", changes.stream().map(c -> c.state().isTerminal()).toArray(Boolean[]::new))
                    .bind("finished", finished.stream().map(j -> j.jobId).toArray(UUID[]::new))
                    .bind("outcomes", finished.stream().map(j -> j.machine.outcome().orElseThrow().name()).toArray(String[]::new))
                    .bind("channel", Channel.SCHEDULER.sqlName())
                    .bind("notifications", notifications.toArray(String[]::new))
                    .mapTo(Long.class)
                    .one();
        }

        private static int[] toInts(Object sqlArray) {
            try {
                Integer[] values = (Integer[]) ((java.sql.Array) sqlArray).getArray();
                return java.util.Arrays.stream(values).mapToInt(Integer::intValue).toArray();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
