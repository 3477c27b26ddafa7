package io.flowcluster.server.store;

import io.flowcluster.server.job.AttemptResult;
import io.flowcluster.server.job.JobGraph;
import io.flowcluster.server.job.JobState;
import io.flowcluster.server.job.StepKind;
import io.flowcluster.server.job.StepState;
import io.flowcluster.server.job.StepStateMachine;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The steps of one job, loaded under its lock with the ends its nodes recorded and nobody has
 * applied yet, in the state machine that applies them. A recorded end is an attempt row of
 * the step's current attempt while the step is still RUNNING: applying it moves the step on,
 * so it is applied once.
 */
final class JobSteps {

    /** An end a node recorded: which node's task slot it freed, if it held one. */
    record RecordedEnd(int index, int attempt, String node, boolean holdsSlot, AttemptResult result) {
    }

    private final UUID jobId;
    private final StepStateMachine machine;
    private final List<RecordedEnd> ends;
    /** The node of the end that ended the job, once applied. */
    private String endedOn;

    private JobSteps(UUID jobId, List<Row> rows, JsonColumns json) {
        int n = rows.size();
        this.jobId = jobId;
        String[] names = new String[n];
        String[] specs = new String[n];
        StepState[] states = new StepState[n];
        int[] attempts = new int[n];
        int[] failures = new int[n];
        int[][] deps = new int[n][];
        List<RecordedEnd> recorded = new ArrayList<>();
        for (Row row : rows) {
            int i = row.index;
            names[i] = row.name;
            specs[i] = row.spec;
            states[i] = row.state;
            attempts[i] = row.attempt;
            failures[i] = row.failures;
            deps[i] = row.dependsOn;
            if (row.end != null) {
                recorded.add(row.end);
            }
        }
        this.machine = new StepStateMachine(names, i -> json.stepSpec(specs[i]).retryPolicy(), states, attempts, failures,
                new JobGraph(deps));
        this.ends = List.copyOf(recorded);
    }

    private record Row(UUID jobId, int index, String name, String spec, StepState state, int attempt, int failures,
            int[] dependsOn, RecordedEnd end) {
    }

    /** Loads the steps of these jobs, which the caller has locked, each job's in index order, in one statement. */
    static List<JobSteps> loadWithRecordedEnds(Handle h, Collection<UUID> jobIds, JsonColumns json) {
        Map<UUID, List<Row>> rows = new LinkedHashMap<>();
        h.createQuery("""
                        select s.job_id, s.idx, s.name, s.spec::text as spec, s.state, s.attempt, s.failures, s.depends_on,
                            s.node, s.kind, a.outcome, a.exit_code, a.message
                        from step s
                        left join step_attempt a on s.state = 'RUNNING'
                            and a.job_id = s.job_id and a.idx = s.idx and a.attempt = s.attempt
                        where s.job_id = any(:jobs) order by s.job_id, s.idx""")
                .bind("jobs", jobIds.toArray(UUID[]::new))
                .map((rs, ctx) -> row(rs))
                .forEach(row -> rows.computeIfAbsent(row.jobId, id -> new ArrayList<>()).add(row));
        List<JobSteps> jobs = new ArrayList<>();
        rows.forEach((id, list) -> jobs.add(new JobSteps(id, list, json)));
        return jobs;
    }

    private static Row row(ResultSet rs) throws SQLException {
        int index = rs.getInt("idx");
        int attempt = rs.getInt("attempt");
        String outcome = rs.getString("outcome");
        RecordedEnd end = outcome == null ? null : new RecordedEnd(index, attempt, rs.getString("node"),
                StepKind.fromWireName(rs.getString("kind")).map(StepKind::holdsSlot).orElse(true),
                new AttemptResult(AttemptResult.Outcome.valueOf(outcome), rs.getObject("exit_code", Integer.class),
                        rs.getString("message")));
        return new Row(rs.getObject("job_id", UUID.class), index, rs.getString("name"), rs.getString("spec"),
                StepState.valueOf(rs.getString("state")), attempt, rs.getInt("failures"), toInts(rs.getArray("depends_on")),
                end);
    }

    /** Applies the recorded ends; returns them, each having moved its step on. */
    List<RecordedEnd> applyRecordedEnds() {
        for (RecordedEnd end : ends) {
            if (machine.attemptEnded(end.index(), end.attempt(), end.result()) && machine.outcome().isPresent()) {
                endedOn = end.node();
            }
        }
        return ends;
    }

    UUID jobId() {
        return jobId;
    }

    Optional<JobState> outcome() {
        return machine.outcome();
    }

    /** The retry backoffs the applied ends started. */
    List<Duration> backoffs() {
        return machine.changes().values().stream().map(StepStateMachine.Change::backoff).filter(Objects::nonNull).toList();
    }

    /** The node whose end ended the job: it ran the job's last step. */
    Optional<String> endedOn() {
        return Optional.ofNullable(endedOn);
    }

    /** A pending notification: sent by {@link #writeChanges}. */
    record Notice(String channel, String payload) {
    }

    /**
     * Writes what the state machines changed, in one statement: the changed steps of many
     * jobs, the jobs that ended, and the notifications.
     */
    static void writeChanges(Handle h, Collection<JobSteps> jobs, List<Notice> notices) {
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
                select count(pg_notify(n.channel, n.payload))
                from unnest(cast(:channels as text[]), cast(:payloads as text[])) as n(channel, payload)""")
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
                .bind("channels", notices.stream().map(Notice::channel).toArray(String[]::new))
                .bind("payloads", notices.stream().map(Notice::payload).toArray(String[]::new))
                .mapTo(Long.class)
                .one();
    }

    private static int[] toInts(Array sqlArray) throws SQLException {
        return Arrays.stream((Integer[]) sqlArray.getArray()).mapToInt(Integer::intValue).toArray();
    }
}
