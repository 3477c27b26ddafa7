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
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Jobs as the API sees them: submit, read, list, abort, messages and logs. */
@Singleton
public class JobStore {

    private static final String JOB_COLUMNS = "id, seq, name, priority, labels, parameters, state, owner_node, distribution,"
            + " submitted_at, started_at, finished_at, retention_seconds, expires_at, schedule_name, schedule_tick";
    /** A step's columns as {@link StoredStep} shows them, its spec aside. */
    private static final String STEP_COLUMNS = "idx, state, attempt, node, not_before, started_at, finished_at, exit_code, message";

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
     * Stores many validated jobs in one transaction, each as {@link #submit} does, with one
     * statement for the jobs and one for their steps; all or none: one key reused with another
     * body stores none of them (the exception says which).
     */
    public List<Submission> submitAll(List<PendingJob> jobs) {
        return jdbi.inTransaction(h -> {
            List<NewJob> rows = jobs.stream().map(job -> new NewJob(UUID.randomUUID(), job, null)).toList();
            Map<UUID, SubmittedJob> inserted = insert(h, rows);
            List<Submission> stored = new ArrayList<>(jobs.size());
            for (int i = 0; i < rows.size(); i++) {
                NewJob row = rows.get(i);
                try {
                    // not inserted: its key was seen before (earlier, or earlier in this same list)
                    stored.add(inserted.containsKey(row.id()) ? new Submission(row.id(), Optional.of(inserted.get(row.id())))
                            : existingSubmission(h, row.job().idempotencyKey().orElseThrow(), row.job().requestSha256()));
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

    /** The job a schedule's tick makes. */
    public record ScheduledJob(UUID id, JobSpec spec, DistributionMode distribution, ScheduleTick tick) {
    }

    /**
     * Stores the jobs schedules' ticks make, in the caller's transaction (the one that moves
     * the schedules on), in one statement for the jobs and one for their steps. Returns the
     * ids stored: a tick that has its job already is passed over.
     */
    Set<UUID> submitScheduled(Handle h, List<ScheduledJob> jobs) {
        return insert(h, jobs.stream().map(j -> new NewJob(j.id(),
                new PendingJob(j.spec(), j.distribution(), Optional.empty(), null), j.tick())).toList()).keySet();
    }

    private record NewJob(UUID id, PendingJob job, ScheduleTick tick) {
    }

    /**
     * Inserts jobs and their steps; a job that a unique key (idempotency key, schedule tick)
     * says exists is passed over. Returns those inserted, as stored, by id.
     */
    private Map<UUID, SubmittedJob> insert(Handle h, List<NewJob> jobs) {
        if (jobs.isEmpty()) {
            return Map.of();
        }
        int n = jobs.size();
        UUID[] ids = new UUID[n];
        String[] names = new String[n];
        Integer[] priorities = new Integer[n];
        String[] labels = new String[n];
        String[] parameters = new String[n];
        String[] keys = new String[n];
        String[] shas = new String[n];
        String[] distributions = new String[n];
        Long[] retentions = new Long[n];
        String[] schedules = new String[n];
        String[] ticks = new String[n];
        Map<UUID, JobSpec> specs = new HashMap<>();
        for (int i = 0; i < n; i++) {
            NewJob j = jobs.get(i);
            JobSpec spec = j.job().spec();
            ids[i] = j.id();
            names[i] = spec.name();
            priorities[i] = spec.effectivePriority();
            labels[i] = json.write(spec.effectiveLabels());
            parameters[i] = json.write(spec.effectiveParameters());
            keys[i] = j.job().idempotencyKey().orElse(null);
            shas[i] = j.job().requestSha256();
            distributions[i] = j.job().distribution().name();
            retentions[i] = retention(spec).toSeconds();
            schedules[i] = j.tick() == null ? null : j.tick().schedule();
            ticks[i] = j.tick() == null ? null : j.tick().at().toString();
            specs.put(j.id(), spec);
        }
        Map<UUID, StoredJob> inserted = new HashMap<>();
        // a unique key can only refuse a job that has one; for the others a plain insert saves the
        // speculative insertion's probes of every unique index and its confirmation in the log
        boolean keyed = Arrays.stream(keys).anyMatch(Objects::nonNull) || Arrays.stream(ticks).anyMatch(Objects::nonNull);
        h.createQuery("""
                insert into job (id, name, priority, labels, parameters, state, idempotency_key, request_sha256, distribution,
                        retention_seconds, schedule_name, schedule_tick)
                select id, name, priority, cast(labels as jsonb), cast(parameters as jsonb), 'PENDING', key, sha, distribution,
                        retention, schedule, tick
                from unnest(cast(:ids as uuid[]), cast(:names as text[]), cast(:priorities as int[]), cast(:labels as text[]),
                        cast(:parameters as text[]), cast(:keys as text[]), cast(:shas as text[]), cast(:distributions as text[]),
                        cast(:retentions as bigint[]), cast(:schedules as text[]), cast(:ticks as timestamptz[]))
                    as j(id, name, priority, labels, parameters, key, sha, distribution, retention, schedule, tick)
                """ + (keyed ? "on conflict do nothing " : "") + "returning " + JOB_COLUMNS)
                .bind("ids", ids).bind("names", names).bind("priorities", priorities).bind("labels", labels)
                .bind("parameters", parameters).bind("keys", keys).bind("shas", shas).bind("distributions", distributions)
                .bind("retentions", retentions).bind("schedules", schedules).bind("ticks", ticks)
                .map((rs, ctx) -> job(rs))
                .forEach(job -> inserted.put(job.id(), job));
        if (inserted.isEmpty()) {
            return Map.of();
        }
        Map<UUID, List<StoredStep>> steps = insertSteps(h, inserted, specs);
        Notifications.send(h, Channel.SCHEDULER, SchedulerSignal.WORK); // one payload: a transaction sends it once
        Map<UUID, SubmittedJob> submitted = new HashMap<>();
        inserted.forEach((id, job) -> submitted.put(id, new SubmittedJob(job, steps.get(id))));
        return submitted;
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
        return new Submission(id, Optional.empty());
    }

    /** The steps of these jobs, in one statement; returns them as stored, in order, by job. */
    private Map<UUID, List<StoredStep>> insertSteps(Handle h, Map<UUID, StoredJob> jobs, Map<UUID, JobSpec> specs) {
        List<UUID> jobIds = new ArrayList<>();
        List<Integer> idxs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        List<String> stepSpecs = new ArrayList<>();
        List<String> deps = new ArrayList<>();
        List<Integer> priorities = new ArrayList<>();
        List<Long> jobSeqs = new ArrayList<>();
        List<String> states = new ArrayList<>();
        jobs.forEach((id, job) -> {
            JobSpec spec = specs.get(id);
            Map<String, Integer> indexByName = new HashMap<>();
            for (int i = 0; i < spec.steps().size(); i++) {
                indexByName.put(spec.steps().get(i).name(), i);
            }
            for (int i = 0; i < spec.steps().size(); i++) {
                StepSpec step = spec.steps().get(i);
                List<Integer> on = step.dependencies().stream().map(indexByName::get).toList();
                jobIds.add(id);
                idxs.add(i);
                names.add(step.name());
                kinds.add(step.stepKind().wireName());
                stepSpecs.add(json.write(step));
                deps.add(on.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}")));
                priorities.add(spec.effectivePriority());
                jobSeqs.add(job.seq());
                states.add((on.isEmpty() ? StepState.READY : StepState.PENDING).name());
            }
        });
        Map<UUID, List<StoredStep>> stored = new HashMap<>();
        h.createQuery("""
                insert into step (job_id, idx, name, kind, spec, depends_on, job_priority, job_seq, state)
                select job, idx, name, kind, cast(spec as jsonb), cast(deps as int[]), priority, seq, state
                from unnest(cast(:jobs as uuid[]), cast(:idxs as int[]), cast(:names as text[]), cast(:kinds as text[]),
                        cast(:specs as text[]), cast(:deps as text[]), cast(:priorities as int[]), cast(:seqs as bigint[]),
                        cast(:states as text[])) as s(job, idx, name, kind, spec, deps, priority, seq, state)
                returning job_id,\s""" + STEP_COLUMNS)
                .bind("jobs", jobIds.toArray(UUID[]::new)).bind("idxs", idxs.toArray(Integer[]::new))
                .bind("names", names.toArray(String[]::new)).bind("kinds", kinds.toArray(String[]::new))
                .bind("specs", stepSpecs.toArray(String[]::new)).bind("deps", deps.toArray(String[]::new))
                .bind("priorities", priorities.toArray(Integer[]::new)).bind("seqs", jobSeqs.toArray(Long[]::new))
                .bind("states", states.toArray(String[]::new))
                .map((rs, ctx) -> {
                    UUID job = rs.getObject("job_id", UUID.class);
                    // the spec as it was written: no need to parse back what this call serialised
                    return Map.entry(job, step(rs, specs.get(job).steps().get(rs.getInt("idx"))));
                })
                .forEach(e -> stored.computeIfAbsent(e.getKey(), id -> new ArrayList<>()).add(e.getValue()));
        stored.values().forEach(list -> list.sort(Comparator.comparingInt(StoredStep::index)));
        return stored;
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
        return jdbi.withHandle(h -> h.createQuery("select " + STEP_COLUMNS + ", spec from step where job_id = :job order by idx")
                .bind("job", jobId)
                .map((rs, ctx) -> step(rs, json.stepSpec(rs.getString("spec"))))
                .list());
    }

    private static StoredStep step(ResultSet rs, StepSpec spec) throws SQLException {
        return new StoredStep(rs.getInt("idx"), spec, StepState.valueOf(rs.getString("state")), rs.getInt("attempt"),
                rs.getString("node"), Columns.instant(rs, "not_before"), Columns.instant(rs, "started_at"),
                Columns.instant(rs, "finished_at"), (Integer) rs.getObject("exit_code"), rs.getString("message"));
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
        if (!q.labels().isEmpty()) {
            sql.append(" and labels <> '{}'::jsonb"); // implied by the filter; spelled out, it lets the labelled jobs' index serve it
        }
        if (!q.states().isEmpty()) {
            sql.append(" and state = any(:states)");
        }
        if (!q.nameContains().isEmpty()) {
            sql.append(" and strpos(lower(name), lower(:name)) > 0");
        }
        if (q.schedule().isPresent()) {
            sql.append(" and schedule_name = :schedule");
        }
        if (q.beforeSeq().isPresent()) {
            sql.append(" and seq < :before");
        }
        sql.append(" order by seq desc limit :limit");
        List<StoredJob> rows = GenericPlans.choosingPerExecution(jdbi, h -> {
            Query query = h.createQuery(sql.toString())
                    .bind("labels", json.write(q.labels()))
                    .bind("limit", q.limit() + 1);
            if (!q.states().isEmpty()) {
                query.bind("states", q.states().stream().map(Enum::name).toArray(String[]::new));
            }
            if (!q.nameContains().isEmpty()) {
                query.bind("name", q.nameContains());
            }
            q.schedule().ifPresent(schedule -> query.bind("schedule", schedule));
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
        // an attempt whose end its node recorded before the abort keeps that row
        h.createUpdate("""
                insert into step_attempt (job_id, idx, attempt, node, started_at, finished_at, outcome, message)
                select job_id, idx, attempt, node, started_at, now(), 'ABORTED', 'aborted'
                from step where job_id = :id and state = 'RUNNING' order by idx
                on conflict (job_id, idx, attempt) do nothing""")
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
