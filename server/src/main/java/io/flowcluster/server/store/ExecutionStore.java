package io.flowcluster.server.store;

import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobGraph;
import io.flowcluster.server.job.JobState;
import io.flowcluster.server.job.RetryPolicy;
import io.flowcluster.server.job.StepState;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
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

    /** Registers this node (or its new incarnation) with its capacity. */
    public void register(String node, UUID incarnation, int taskPoolSize) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into node (id, incarnation, task_pool_size, started_at, heartbeat_at)
                        values (:id, :inc, :size, now(), now())
                        on conflict (id) do update set incarnation = excluded.incarnation,
                            task_pool_size = excluded.task_pool_size, started_at = now(), heartbeat_at = now(),
                            declared_dead = false, draining = false""")
                .bind("id", node).bind("inc", incarnation).bind("size", taskPoolSize)
                .execute());
    }

    /**
     * Claims up to {@code max} steps dispatched to this node, most urgent first: each becomes
     * RUNNING with the next attempt number, and its job RUNNING if it was PENDING. Returns
     * them most urgent first.
     */
    public List<Claim> claim(String node, int max) {
        return jdbi.inTransaction(h -> {
            List<UUID> jobs = h.createQuery("""
                            select distinct job_id from (
                                select job_id from step where node = :node and state = 'DISPATCHED'
                                order by job_priority desc, job_seq, idx limit :max) d""")
                    .bind("node", node).bind("max", max)
                    .mapTo(UUID.class).list();
            if (jobs.isEmpty()) {
                return List.of();
            }
            JobLocks.lockAll(h, new TreeSet<>(jobs));
            List<Claim> claims = h.createQuery("""
                            with picked as (
                                select job_id, idx from step
                                where node = :node and state = 'DISPATCHED' and job_id = any(:jobs)
                                order by job_priority desc, job_seq, idx limit :max),
                            claimed as (
                                update step s set state = 'RUNNING', attempt = s.attempt + 1, started_at = now(),
                                    finished_at = null, exit_code = null, message = null
                                from picked where s.job_id = picked.job_id and s.idx = picked.idx
                                returning s.job_id, s.idx, s.attempt, s.spec, s.job_priority, s.job_seq)
                            select c.*, j.name, j.parameters, j.submitted_at, j.distribution
                            from claimed c join job j on j.id = c.job_id""")
                    .bind("node", node).bind("max", max).bind("jobs", jobs.toArray(UUID[]::new))
                    .map((rs, ctx) -> new Claim(
                            rs.getObject("job_id", UUID.class),
                            rs.getString("name"),
                            rs.getInt("idx"),
                            rs.getInt("attempt"),
                            json.stepSpec(rs.getString("spec")),
                            json.stringMap(rs.getString("parameters")),
                            rs.getInt("job_priority"),
                            rs.getLong("job_seq"),
                            JobStore.instant(rs, "submitted_at"),
                            DistributionMode.valueOf(rs.getString("distribution")),
                            false))
                    .list()
                    .stream()
                    .sorted(Comparator.comparingInt(Claim::priority).reversed()
                            .thenComparingLong(Claim::jobSeq).thenComparingInt(Claim::index))
                    .toList();
            Set<UUID> started = new HashSet<>(h.createQuery("""
                            update job set state = 'RUNNING', started_at = now()
                            where id = any(:ids) and state = 'PENDING' returning id""")
                    .bind("ids", jobs.toArray(UUID[]::new))
                    .mapTo(UUID.class).list());
            // attempt rows are numbered in claim order, most urgent first
            PreparedBatch attempts = h.prepareBatch(
                    "insert into step_attempt (job_id, idx, attempt, node) values (:job, :idx, :attempt, :node)");
            for (Claim c : claims) {
                attempts.bind("job", c.jobId()).bind("idx", c.index()).bind("attempt", c.attempt())
                        .bind("node", node).add();
            }
            attempts.execute();
            return claims.stream().map(c -> started.remove(c.jobId()) ? c.withStartsJob() : c).toList();
        });
    }

    /**
     * Records how an attempt ended and what follows for the job: a retry after backoff, the
     * dependents that become ready, the dependents skipped after a final failure, the job's end.
     */
    public Completion complete(UUID jobId, int index, int attempt, AttemptResult result) {
        return jdbi.inTransaction(h -> {
            JobStore.lockJob(h, jobId);
            h.createUpdate("""
                    update step_attempt set outcome = :outcome, exit_code = :exit, message = :message, finished_at = now()
                    where job_id = :job and idx = :idx and attempt = :attempt and outcome is null""")
                    .bind("outcome", result.outcome().name()).bind("exit", result.exitCode())
                    .bind("message", result.message())
                    .bind("job", jobId).bind("idx", index).bind("attempt", attempt)
                    .execute();
            JobSteps steps = JobSteps.load(h, jobId);
            if (steps.states[index] != StepState.RUNNING || steps.attempts[index] != attempt) {
                return Completion.fencedOff();
            }
            if (result.succeeded()) {
                steps.set(h, index, StepState.SUCCEEDED, result.exitCode(), result.message());
                for (int ready : steps.graph.readyAfterSuccess(index, steps.states)) {
                    steps.set(h, ready, StepState.READY, null, null);
                }
            } else {
                int failures = steps.failures[index] + 1;
                RetryPolicy policy = json.stepSpec(steps.specs[index]).retryPolicy();
                if (policy.allowsRetryAfter(failures)) {
                    steps.retry(h, index, failures, policy.delayAfter(failures), result);
                } else {
                    steps.fail(h, index, failures, result);
                    String why = "skipped: step '" + steps.names[index] + "' failed";
                    for (int skipped : steps.graph.skippedAfterFailure(index, steps.states)) {
                        steps.set(h, skipped, StepState.SKIPPED, null, why);
                    }
                }
            }
            Optional<JobState> finished = JobGraph.outcome(steps.states);
            finished.ifPresent(state -> h.createUpdate(
                            "update job set state = :state, finished_at = now() where id = :id")
                    .bind("state", state.name()).bind("id", jobId).execute());
            Notifications.send(h, Channel.SCHEDULER, jobId.toString());
            return new Completion(false, finished);
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
                update step_attempt a set outcome = 'LOST', finished_at = now(), message = :reason
                from step s
                where s.node = :node and s.state = 'RUNNING' and a.job_id = s.job_id and a.idx = s.idx
                  and a.attempt = s.attempt and a.outcome is null""")
                .bind("node", node).bind("reason", reason).execute();
        int released = h.createUpdate("""
                update step set message = case when state = 'RUNNING'
                        then 'attempt ' || attempt || ' lost: ' || :reason end,
                    state = 'READY', not_before = null, started_at = null
                where node = :node and state in ('DISPATCHED', 'RUNNING')""")
                .bind("node", node).bind("reason", reason).execute();
        Notifications.send(h, Channel.SCHEDULER, node);
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
            Notifications.send(h, Channel.SCHEDULER, node);
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

    public void appendLog(List<PendingLogLine> lines) {
        if (lines.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> {
            PreparedBatch batch = h.prepareBatch("""
                    insert into step_log (job_id, idx, attempt, line_no, stream, at, line)
                    values (:job, :idx, :attempt, :no, :stream, :at, :line)""");
            for (PendingLogLine l : lines) {
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

    /** The steps of one job, loaded under its lock, with the updates a completion makes. */
    private static final class JobSteps {
        final UUID jobId;
        final String[] names;
        final String[] specs;
        final StepState[] states;
        final int[] attempts;
        final int[] failures;
        final JobGraph graph;

        private JobSteps(UUID jobId, List<Map<String, Object>> rows) {
            int n = rows.size();
            this.jobId = jobId;
            names = new String[n];
            specs = new String[n];
            states = new StepState[n];
            attempts = new int[n];
            failures = new int[n];
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
            graph = new JobGraph(deps);
        }

        static JobSteps load(Handle h, UUID jobId) {
            return new JobSteps(jobId, h.createQuery("""
                            select idx, name, spec::text as spec, state, attempt, failures, depends_on
                            from step where job_id = :job order by idx""")
                    .bind("job", jobId).mapToMap().list());
        }

        void set(Handle h, int index, StepState state, Integer exitCode, String message) {
            states[index] = state;
            h.createUpdate("""
                    update step set state = :state, exit_code = :exit, message = :message,
                        finished_at = case when :terminal then now() end
                    where job_id = :job and idx = :idx""")
                    .bind("state", state.name()).bind("exit", exitCode).bind("message", message)
                    .bind("terminal", state.isTerminal()).bind("job", jobId).bind("idx", index)
                    .execute();
        }

        void retry(Handle h, int index, int failureCount, Duration delay, AttemptResult result) {
            states[index] = StepState.READY;
            h.createUpdate("""
                    update step set state = 'READY', failures = :failures, exit_code = :exit,
                        not_before = now() + make_interval(secs => :delay), message = :message
                    where job_id = :job and idx = :idx""")
                    .bind("failures", failureCount).bind("exit", result.exitCode())
                    .bind("delay", delay.toMillis() / 1000.0)
                    .bind("message", "attempt " + attempts[index] + " " + describe(result) + "; retrying in " + delay.toMillis() + "ms")
                    .bind("job", jobId).bind("idx", index)
                    .execute();
        }

        void fail(Handle h, int index, int failureCount, AttemptResult result) {
            set(h, index, StepState.FAILED, result.exitCode(), describe(result));
            h.createUpdate("update step set failures = :failures where job_id = :job and idx = :idx")
                    .bind("failures", failureCount).bind("job", jobId).bind("idx", index).execute();
        }

        private static String describe(AttemptResult result) {
            return result.message() != null ? result.message()
                    : result.outcome().name().toLowerCase().replace('_', ' ');
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
