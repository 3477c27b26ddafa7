package io.flowcluster.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcluster.contract.Durations;
import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobSpec;
import io.flowcluster.server.job.JobState;
import io.flowcluster.server.job.StepKind;
import io.flowcluster.server.job.StepSpec;
import io.flowcluster.server.job.StepState;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.notify.SchedulerSignal;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/** Jobs as the API sees them: submit, read, list, abort, messages and logs. */
@Singleton
public class JobStore {

    private static final String JOB_COLUMNS = "id, seq, name, priority, labels, parameters, state, owner_node, distribution,"
            + " submitted_at, started_at, finished_at, retention_seconds, expires_at, schedule_name, schedule_tick";

    /** Submissions stored in one transaction at most. */
    private static final int MAX_SUBMISSION_GROUP = 128;

    private final Jdbi jdbi;
    private final JsonColumns json;
    private final Duration defaultRetention;
    private final GroupCommit<PendingJob, Submission> submissions;

    @Inject
    JobStore(Jdbi jdbi, JsonColumns json, FlowConfig config) {
        this(jdbi, json, config.retention().finished());
    }

    JobStore(Jdbi jdbi, JsonColumns json, Duration defaultRetention) {
        this.jdbi = jdbi;
        this.json = json;
        this.defaultRetention = defaultRetention;
        this.submissions = new GroupCommit<>("submissions", MAX_SUBMISSION_GROUP, this::submitAll);
    }

    /**
     * Stores a validated job with its steps, committed when this returns. With an idempotency
     * key seen before, returns that job instead (or throws if the request body differs).
     * Submissions that arrive together share a transaction (group commit).
     */
    public Submission submit(PendingJob job) {
        return submissions.write(job);
    }

    /** The same, for callers that hold the parts. */
    public Submission submit(JobSpec spec, DistributionMode distribution, Optional<String> idempotencyKey,
            String requestSha256) {
        return submit(new PendingJob(spec, distribution, idempotencyKey, requestSha256));
    }

    /**
     * Stores many validated jobs in one transaction, each as {@link #submit} does; all or none:
     * one key reused with another body stores none of them (the exception says which).
     */
    public List<Submission> submitAll(List<PendingJob> jobs) {
        return jdbi.inTransaction(h -> {
            List<Submission> stored = new ArrayList<>(jobs.size());
            for (int i = 0; i < jobs.size(); i++) {
                try {
                    stored.add(submit(h, jobs.get(i)));
                } catch (IdempotencyKeyReusedException e) {
                    throw e.at(i);
                }
            }
            return stored;
        });
    }

    /** A validated job to store, with what makes a repeated submission recognisable. */
    public record PendingJob(JobSpec spec, DistributionMode distribution, Optional<String> idempotencyKey, String requestSha256) {
    }

    private Submission submit(Handle h, PendingJob job) {
        UUID id = UUID.randomUUID();
        if (!insert(h, id, job, null)) {
            return existingSubmission(h, job.idempotencyKey().orElseThrow(), job.requestSha256());
        }
        return new Submission(id, true);
    }

    /**
     * Stores the job a schedule's tick makes, in the caller's transaction (the one that moves
     * the schedule on); false when that tick has its job already.
     */
    boolean submitScheduled(Handle h, UUID id, JobSpec spec, DistributionMode distribution, ScheduleTick tick) {
        return insert(h, id, new PendingJob(spec, distribution, Optional.empty(), null), tick);
    }

    /** Inserts the job and its steps; false when a unique key (idempotency key, schedule tick) says it exists. */
    private boolean insert(Handle h, UUID id, PendingJob job, ScheduleTick tick) {
        JobSpec spec = job.spec();
        Optional<Long> seq = h.createQuery("""
                insert into job (id, name, priority, labels, parameters, state, idempotency_key, request_sha256, distribution,
                        retention_seconds, schedule_name, schedule_tick)
                values (:id, :name, :priority, cast(:labels as jsonb), cast(:parameters as jsonb), 'PENDING', :key, :sha,
                        :distribution, :retention, :schedule, :tick)
                on conflict do nothing
                returning seq""")
                .bind("id", id)
                .bind("name", spec.name())
                .bind("priority", spec.effectivePriority())
                .bind("labels", json.write(spec.effectiveLabels()))
                .bind("parameters", json.write(spec.effectiveParameters()))
                .bind("key", job.idempotencyKey().orElse(null))
                .bind("sha", job.requestSha256())
                .bind("distribution", job.distribution().name())
                .bind("retention", retention(spec).toSeconds())
                .bind("schedule", tick == null ? null : tick.schedule())
                .bind("tick", tick == null ? null : tick.at())
                .mapTo(Long.class)
                .findOne();
        if (seq.isEmpty()) {
            return false;
        }
        insertSteps(h, id, seq.get(), spec);
        Notifications.send(h, Channel.SCHEDULER, SchedulerSignal.WORK); // one payload: a batch sends it once
        return true;
    }

    /** The job's own retention, else the cluster's; whole seconds, at least one. */
    private Duration retention(JobSpec spec) {
        Duration retention = spec.retention() == null ? defaultRetention : Durations.parse(spec.retention());
        return retention.toSeconds() < 1 ? Duration.ofSeconds(1) : retention;
    }

    private static Submission existingSubmission(Handle h, String key, String requestSha256) {
        Map<String, Object> existing = h.createQuery("select id, request_sha256 from job where idempotency_key = :key")
                .bind("key", key)
                .mapToMap()
                .one();
        UUID id = (UUID) existing.get("id");
        if (!requestSha256.equals(existing.get("request_sha256"))) {
            throw new IdempotencyKeyReusedException(id);
        }
        return new Submission(id, false);
    }

    private void insertSteps(Handle h, UUID jobId, long seq, JobSpec spec) {
        Map<String, Integer> indexByName = new HashMap<>();
        for (int i = 0; i < spec.steps().size(); i++) {
            indexByName.put(spec.steps().get(i).name(), i);
        }
        PreparedBatch batch = h.prepareBatch("""
                insert into step (job_id, idx, name, kind, spec, depends_on, job_priority, job_seq, state)
                values (:job, :idx, :name, :kind, cast(:spec as jsonb), :deps, :priority, :seq, :state)""");
        for (int i = 0; i < spec.steps().size(); i++) {
            StepSpec step = spec.steps().get(i);
            Integer[] deps = step.dependencies().stream().map(indexByName::get).toArray(Integer[]::new);
            batch.bind("job", jobId)
                    .bind("idx", i)
                    .bind("name", step.name())
                    .bind("kind", step.stepKind().wireName())
                    .bind("spec", json.write(step))
                    .bind("deps", deps)
                    .bind("priority", spec.effectivePriority())
                    .bind("seq", seq)
                    .bind("state", (deps.length == 0 ? StepState.READY : StepState.PENDING).name())
                    .add();
        }
        batch.execute();
    }

    public Optional<StoredJob> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select " + JOB_COLUMNS + " from job where id = :id")
                .bind("id", id)
                .map((rs, ctx) -> job(rs))
                .findOne());
    }

    /** The jobs a schedule made, latest tick first. */
    public List<StoredJob> runs(String schedule, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + JOB_COLUMNS
                        + " from job where schedule_name = :schedule order by schedule_tick desc limit :limit")
                .bind("schedule", schedule)
                .bind("limit", limit)
                .map((rs, ctx) -> job(rs))
                .list());
    }

    /** Of these jobs, the ones that exist and have not ended. */
    public Set<UUID> unfinished(List<UUID> ids) {
        return jdbi.withHandle(h -> h.createQuery("select id from job where id = any(:ids) and state in ('PENDING', 'RUNNING')")
                .bind("ids", ids.toArray(UUID[]::new))
                .mapTo(UUID.class)
                .set());
    }

    /** A step found by name, read without its definition (a fanout step's items may be large). */
    public Optional<StepRef> stepRef(UUID jobId, String name) {
        return jdbi.withHandle(h -> h.createQuery("select idx, kind from step where job_id = :job and name = :name")
                .bind("job", jobId).bind("name", name)
                .map((rs, ctx) -> new StepRef(rs.getInt("idx"), StepKind.fromWireName(rs.getString("kind")).orElseThrow()))
                .findOne());
    }

    public List<StoredStep> steps(UUID jobId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select idx, spec, state, attempt, node, not_before, started_at, finished_at, exit_code, message
                        from step where job_id = :job order by idx""")
                .bind("job", jobId)
                .map((rs, ctx) -> new StoredStep(
                        rs.getInt("idx"),
                        json.stepSpec(rs.getString("spec")),
                        StepState.valueOf(rs.getString("state")),
                        rs.getInt("attempt"),
                        rs.getString("node"),
                        Columns.instant(rs, "not_before"),
                        Columns.instant(rs, "started_at"),
                        Columns.instant(rs, "finished_at"),
                        (Integer) rs.getObject("exit_code"),
                        rs.getString("message")))
                .list());
    }

    /** The states of the steps of each of these jobs. */
    public Map<UUID, List<StepState>> stepStates(List<UUID> jobIds) {
        Map<UUID, List<StepState>> states = new HashMap<>();
        if (jobIds.isEmpty()) {
            return states;
        }
        jdbi.useHandle(h -> h.createQuery("select job_id, state from step where job_id = any(:ids)")
                .bind("ids", jobIds.toArray(UUID[]::new))
                .map((rs, ctx) -> Map.entry(rs.getObject("job_id", UUID.class), StepState.valueOf(rs.getString("state"))))
                .forEach(e -> states.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue())));
        return states;
    }

    public JobPage list(JobQuery q) {
        StringBuilder sql = new StringBuilder("select " + JOB_COLUMNS + " from job where labels @> cast(:labels as jsonb)");
        if (!q.states().isEmpty()) {
            sql.append(" and state = any(:states)");
        }
        if (!q.nameContains().isEmpty()) {
            sql.append(" and strpos(lower(name), lower(:name)) > 0");
        }
        if (q.beforeSeq().isPresent()) {
            sql.append(" and seq < :before");
        }
        sql.append(" order by seq desc limit :limit");
        List<StoredJob> rows = jdbi.withHandle(h -> {
            Query query = h.createQuery(sql.toString())
                    .bind("labels", json.write(q.labels()))
                    .bind("limit", q.limit() + 1);
            if (!q.states().isEmpty()) {
                query.bind("states", q.states().stream().map(Enum::name).toArray(String[]::new));
            }
            if (!q.nameContains().isEmpty()) {
                query.bind("name", q.nameContains());
            }
            q.beforeSeq().ifPresent(before -> query.bind("before", before));
            return query.map((rs, ctx) -> job(rs)).list();
        });
        if (rows.size() > q.limit()) {
            List<StoredJob> page = rows.subList(0, q.limit());
            return new JobPage(page, OptionalLong.of(page.get(page.size() - 1).seq()));
        }
        return new JobPage(rows, OptionalLong.empty());
    }

    /** Ends a job as ABORTED, with every step not yet ended; running processes are killed by their nodes. */
    public AbortOutcome abort(UUID id) {
        return jdbi.inTransaction(h -> abort(h, id));
    }

    /** The same, in the caller's transaction (a schedule's tick that replaces its running runs). */
    static AbortOutcome abort(Handle h, UUID id) {
        Optional<JobState> state = lockJob(h, id);
        if (state.isEmpty()) {
            return AbortOutcome.notFound();
        }
        if (state.get().isTerminal()) {
            return AbortOutcome.alreadyFinished(state.get());
        }
        h.createUpdate("""
                update job set state = 'ABORTED', finished_at = now(), expires_at = now() + make_interval(secs => retention_seconds)
                where id = :id""").bind("id", id).execute();
        h.createUpdate("""
                insert into step_attempt (job_id, idx, attempt, node, started_at, finished_at, outcome, message)
                select job_id, idx, attempt, node, started_at, now(), 'ABORTED', 'aborted'
                from step where job_id = :id and state = 'RUNNING'""")
                .bind("id", id).execute();
        h.createUpdate("""
                update step set state = 'ABORTED', finished_at = now(), message = 'aborted'
                where job_id = :id and state not in ('SUCCEEDED', 'FAILED', 'SKIPPED', 'ABORTED')""")
                .bind("id", id).execute();
        // packets not done yet run no more; the results of those running now are refused
        h.createUpdate("update packet set state = 'ABORTED' where job_id = :id and state <> 'DONE'").bind("id", id).execute();
        Notifications.send(h, Channel.ABORT, id.toString());
        Notifications.send(h, Channel.SCHEDULER, SchedulerSignal.WORK);
        return AbortOutcome.aborted();
    }

    /** Stores a message for a job; empty when there is no such job. */
    public Optional<StoredMessage> addMessage(UUID jobId, String name, JsonNode payload, String receivedBy) {
        return jdbi.inTransaction(h -> {
            if (lockJob(h, jobId).isEmpty()) {
                return Optional.empty();
            }
            Optional<StoredMessage> saved = Optional.of(h.createQuery("""
                            insert into job_message (job_id, name, payload, received_by)
                            values (:job, :name, cast(:payload as jsonb), :node)
                            returning id, name, payload, received_by, received_at, processed_by, processed_at""")
                    .bind("job", jobId)
                    .bind("name", name)
                    .bind("payload", payload == null ? null : json.write(payload))
                    .bind("node", receivedBy)
                    .map((rs, ctx) -> message(rs))
                    .one());
            Notifications.send(h, Channel.MESSAGE, jobId.toString());
            return saved;
        });
    }

    public List<StoredMessage> messages(UUID jobId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, name, payload, received_by, received_at, processed_by, processed_at
                        from job_message where job_id = :job order by id""")
                .bind("job", jobId)
                .map((rs, ctx) -> message(rs))
                .list());
    }

    /**
     * A job's attempts: those that ended (their rows) and those running now (a running
     * attempt's row is written when it ends), in the order they started.
     */
    private static final String ATTEMPTS = """
            attempts as (
                select job_id, idx, attempt, node, started_at, finished_at, outcome, exit_code, message
                from step_attempt where job_id = :job
                union all
                select job_id, idx, attempt, node, started_at, null, null, null, null
                from step where job_id = :job and state = 'RUNNING')""";

    /** Every attempt of the job's steps, in the order they started. */
    public List<StoredAttempt> attempts(UUID jobId) {
        return jdbi.withHandle(h -> h.createQuery("with " + ATTEMPTS + """
                        select s.name, a.attempt, a.node, a.started_at, a.finished_at, a.outcome, a.exit_code, a.message
                        from attempts a join step s on s.job_id = a.job_id and s.idx = a.idx
                        order by a.started_at, a.idx, a.attempt""")
                .bind("job", jobId)
                .map((rs, ctx) -> new StoredAttempt(rs.getString("name"), rs.getInt("attempt"), rs.getString("node"),
                        Columns.instant(rs, "started_at"), Columns.instant(rs, "finished_at"), rs.getString("outcome"),
                        (Integer) rs.getObject("exit_code"), rs.getString("message")))
                .list());
    }

    /**
     * Every line of every attempt of the job, from every node, attempt by attempt in the order
     * they started; an attempt that did not succeed closes with a line saying how it ended,
     * so a failover reads in the log even when the dead node's last output was lost with it.
     */
    public List<LogLine> log(UUID jobId) {
        return jdbi.withHandle(h -> h.createQuery("with " + ATTEMPTS + """
                        select name, attempt, node, stream, at, line from (
                            select a.started_at, a.idx as step_idx, 0 as part, l.line_no, s.name, a.attempt, a.node,
                                l.stream, l.at, l.line
                            from attempts a
                            join step s on s.job_id = a.job_id and s.idx = a.idx
                            join step_log l on l.job_id = a.job_id and l.idx = a.idx and l.attempt = a.attempt
                            union all
                            select a.started_at, a.idx, 1, 0, s.name, a.attempt, a.node, 'system', a.finished_at,
                                '[attempt ' || a.attempt || ' on ' || a.node || ' ended ' || a.outcome
                                    || coalesce(': ' || a.message, '') || ']'
                            from attempts a
                            join step s on s.job_id = a.job_id and s.idx = a.idx
                            where a.outcome <> 'SUCCEEDED'
                        ) lines
                        order by started_at, step_idx, attempt, part, line_no""")
                .bind("job", jobId)
                .map((rs, ctx) -> new LogLine(rs.getString("name"), rs.getInt("attempt"), rs.getString("node"),
                        rs.getString("stream"), Columns.instant(rs, "at"), rs.getString("line")))
                .list());
    }

    /** Locks the job row: every transaction that changes a job's steps takes this lock first. */
    static Optional<JobState> lockJob(Handle h, UUID id) {
        return h.createQuery("select state from job where id = :id for update")
                .bind("id", id)
                .map((rs, ctx) -> JobState.valueOf(rs.getString(1)))
                .findOne();
    }

    private StoredJob job(ResultSet rs) throws SQLException {
        String schedule = rs.getString("schedule_name");
        return new StoredJob(
                rs.getObject("id", UUID.class),
                rs.getLong("seq"),
                rs.getString("name"),
                rs.getInt("priority"),
                json.stringMap(rs.getString("labels")),
                json.stringMap(rs.getString("parameters")),
                JobState.valueOf(rs.getString("state")),
                rs.getString("owner_node"),
                DistributionMode.valueOf(rs.getString("distribution")),
                Columns.instant(rs, "submitted_at"),
                Columns.instant(rs, "started_at"),
                Columns.instant(rs, "finished_at"),
                Duration.ofSeconds(rs.getLong("retention_seconds")),
                Columns.instant(rs, "expires_at"),
                schedule == null ? null : new ScheduleTick(schedule, Columns.instant(rs, "schedule_tick")));
    }

    private StoredMessage message(ResultSet rs) throws SQLException {
        return new StoredMessage(rs.getLong("id"), rs.getString("name"), json.tree(rs.getString("payload")),
                rs.getString("received_by"), Columns.instant(rs, "received_at"), rs.getString("processed_by"),
                Columns.instant(rs, "processed_at"));
    }
}
