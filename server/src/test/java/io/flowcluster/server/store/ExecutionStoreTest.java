package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.server.job.AttemptResult.Outcome;
import io.flowcluster.server.job.AttemptResult;
import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobSpec;
import io.flowcluster.server.job.JobState;
import io.flowcluster.server.job.RetrySpec;
import io.flowcluster.server.job.StepSpec;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.SchedulerSignal;
import io.flowcluster.server.worker.OutputLimits;
import io.flowcluster.server.worker.StepOutput;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Starting steps, recording attempt ends in groups and applying them, on a real PostgreSQL:
 * ends recorded and applied together must give every job the outcome single ends would, and
 * an end is recorded once, for the attempt that is current, and applied once.
 */
class ExecutionStoreTest extends Stores {

    private static final AttemptResult OK = new AttemptResult(Outcome.SUCCEEDED, 0, null);
    private static final AttemptResult FAILED = new AttemptResult(Outcome.FAILED, 3, "exit code 3");

    private static final Optional<Collection<UUID>> ALL = Optional.empty();

    private long epoch;

    @BeforeEach
    void holdLeaseAndRegister() {
        epoch = cluster.holdLease("sched", Duration.ofSeconds(30)).orElseThrow();
        cluster.register("n", UUID.randomUUID(), 8);
    }

    @Test
    void endsRecordedTogetherAreAppliedByTheSchedulerAsSingleEndsWouldBe() {
        UUID diamond = submit("diamond", step("a"), step("b"), step("c", "a", "b"));
        UUID single = submit("single", step("only"));
        UUID retried = submit("retried", step("flaky", new RetrySpec(1, "2m", null, null)));
        UUID doomed = submit("doomed", step("broken"), step("after", "broken"));
        dispatch(diamond, 0, diamond, 1, single, 0, retried, 0, doomed, 0);
        List<Claim> claims = execution.claim("n", 8);
        assertThat(claims).hasSize(5);
        assertThat(claims.stream().filter(Claim::startsJob).map(Claim::jobId))
                .as("each job starts once, on its first claimed step").containsExactlyInAnyOrder(diamond, single, retried, doomed);

        List<Boolean> recorded = execution.recordEnds(List.of(
                end(diamond, 0, 1, OK),
                end(single, 0, 1, OK),
                end(diamond, 1, 1, OK),
                end(retried, 0, 1, FAILED),
                end(doomed, 0, 1, FAILED),
                end(single, 0, 7, OK)));

        assertThat(recorded).as("an attempt that is not the step's current one is not recorded")
                .containsExactly(true, true, true, true, true, false);
        assertThat(attemptOutcomes()).containsEntry(diamond + "/0", "SUCCEEDED").containsEntry(retried + "/0", "FAILED")
                .hasSize(5);
        assertThat(states(diamond)).as("recorded, not applied yet").containsExactly("RUNNING", "RUNNING", "PENDING");
        assertThat(execution.assigned("n", key -> false).running()).as("an attempt whose end is recorded runs no more")
                .isEmpty();

        AppliedEnds applied = dispatch.applyEnds("sched", epoch, ALL);

        assertThat(applied.applied()).isEqualTo(5);
        assertThat(applied.freedSlots()).containsExactly(Map.entry("n", 5));
        assertThat(states(diamond)).as("both parents done in one group: the child is ready")
                .containsExactly("SUCCEEDED", "SUCCEEDED", "READY");
        assertThat(states(single)).containsExactly("SUCCEEDED");
        assertThat(states(retried)).containsExactly("READY");
        assertThat(value("select failures from step where job_id = :j", retried, Integer.class)).isEqualTo(1);
        assertThat(value("select not_before > now() + interval '1 minute' from step where job_id = :j", retried, Boolean.class))
                .as("waits out its backoff").isTrue();
        assertThat(states(doomed)).containsExactly("FAILED", "SKIPPED");
        assertThat(value("select state from job where id = :j", doomed, String.class)).isEqualTo("FAILED");
        assertThat(value("select finished_at is not null from job where id = :j", single, Boolean.class)).isTrue();
        assertThat(dispatch.applyEnds("sched", epoch, ALL)).as("an end is applied once").isEqualTo(AppliedEnds.NONE);
    }

    @Test
    void aLateEndOfAnAbortedJobChangesNothing() {
        UUID job = submit("aborted", step("a"), step("b", "a"));
        dispatch(job, 0);
        assertThat(execution.claim("n", 8)).hasSize(1);
        jobs.abort(job);
        jdbi.useHandle(h -> h.execute("update job set finished_at = now() - interval '1 hour' where id = ?", job));

        assertThat(execution.recordEnds(List.of(end(job, 0, 1, OK)))).containsExactly(false);
        assertThat(dispatch.applyEnds("sched", epoch, ALL)).isEqualTo(AppliedEnds.NONE);

        assertThat(states(job)).containsExactly("ABORTED", "ABORTED");
        assertThat(attemptOutcomes()).containsExactly(Map.entry(job + "/0", "ABORTED"));
        assertThat(value("select state from job where id = :j", job, String.class)).isEqualTo("ABORTED");
        assertThat(value("select finished_at < now() - interval '59 minutes' from job where id = :j", job, Boolean.class))
                .as("the abort's end stays").isTrue();
    }

    @Test
    void anAbortAfterAnEndWasRecordedStandsAndTheEndKeepsItsRow() {
        UUID job = submit("aborted", step("a"), step("b", "a"));
        dispatch(job, 0);
        assertThat(execution.claim("n", 8)).hasSize(1);
        assertThat(execution.recordEnds(List.of(end(job, 0, 1, OK)))).containsExactly(true);

        assertThat(jobs.abort(job)).isEqualTo(AbortOutcome.aborted());
        assertThat(dispatch.applyEnds("sched", epoch, ALL)).isEqualTo(AppliedEnds.NONE);

        assertThat(states(job)).containsExactly("ABORTED", "ABORTED");
        assertThat(attemptOutcomes()).as("how the attempt really ended").containsExactly(Map.entry(job + "/0", "SUCCEEDED"));
        assertThat(value("select state from job where id = :j", job, String.class)).isEqualTo("ABORTED");
    }

    /** Invariant 3: an attempt whose end was recorded ran once; handing its node over must not run it again. */
    @Test
    void anEndRecordedBeforeItsNodeIsHandedOverIsAppliedAndTheStepDoesNotRunAgain() {
        UUID job = submit("chain", step("a"), step("b", "a"));
        UUID running = submit("running", step("r"));
        dispatch(job, 0, running, 0);
        assertThat(execution.claim("n", 8)).hasSize(2);
        assertThat(execution.recordEnds(List.of(end(job, 0, 1, OK)))).containsExactly(true);

        assertThat(execution.releaseSteps("n", "node n restarted")).as("only the attempt still running").isEqualTo(1);
        assertThat(execution.recordEnds(List.of(end(running, 0, 1, OK)))).as("the lost attempt's end comes too late")
                .containsExactly(false);
        assertThat(states(job)).containsExactly("RUNNING", "PENDING");
        assertThat(execution.assigned("n", key -> false).start()).as("the restarted node is not given it again").isEmpty();

        assertThat(dispatch.applyEnds("sched", epoch, ALL).applied()).isEqualTo(1);
        assertThat(states(job)).containsExactly("SUCCEEDED", "READY");
        assertThat(states(running)).containsExactly("READY");
        assertThat(attemptOutcomes()).containsOnly(Map.entry(job + "/0", "SUCCEEDED"), Map.entry(running + "/0", "LOST"));
    }

    /** Invariant 2: ends are applied under the scheduler's fence. */
    @Test
    void aDeposedSchedulerAppliesNoEnd() {
        UUID job = submit("single", step("only"));
        dispatch(job, 0);
        assertThat(execution.claim("n", 8)).hasSize(1);
        assertThat(execution.recordEnds(List.of(end(job, 0, 1, OK)))).containsExactly(true);
        cluster.releaseLease("sched");
        long other = cluster.holdLease("other", Duration.ofSeconds(30)).orElseThrow();

        assertThat(dispatch.applyEnds("sched", epoch, ALL)).isEqualTo(AppliedEnds.NONE);
        assertThat(states(job)).containsExactly("RUNNING");
        assertThat(dispatch.applyEnds("other", other, ALL).applied()).isEqualTo(1);
        assertThat(states(job)).containsExactly("SUCCEEDED");
    }

    @Test
    void claimsComeMostUrgentFirstAndTheirAttemptRowsAreWrittenWhenTheyEnd() {
        UUID later = submit("later", step("x"));
        UUID earlier = submit("earlier", step("y"));
        jdbi.useHandle(h -> h.execute("update step set job_priority = 5 where job_id = ?", earlier));
        dispatch(later, 0, earlier, 0);

        assertThat(execution.claim("n", 8)).extracting(Claim::jobId).containsExactly(earlier, later);
        assertThat(attemptOutcomes()).as("no row for an attempt that runs").isEmpty();
        execution.recordEnds(List.of(end(earlier, 0, 1, OK)));
        assertThat(attemptOutcomes()).containsExactly(Map.entry(earlier + "/0", "SUCCEEDED"));
    }

    @Test
    void aStepStartedByTheSchedulerIsRunningOnItsNodeWithoutAClaim() {
        UUID two = submit("two", step("a"), step("b"));
        UUID queued = submit("queued", step("q"));
        List<Dispatch> plan = List.of(new Dispatch(two, 0, "n", "n", true, true), new Dispatch(two, 1, "n", "n", true, true),
                new Dispatch(queued, 0, "n", "n"));
        assertThat(dispatch.dispatch(plan, "sched", epoch)).isEqualTo(3);
        assertThat(states(two)).containsExactly("RUNNING", "RUNNING");
        assertThat(states(queued)).containsExactly("DISPATCHED");
        assertThat(value("select state from job where id = :j", two, String.class)).isEqualTo("RUNNING");
        assertThat(value("select state from job where id = :j", queued, String.class)).isEqualTo("PENDING");

        Assignments assigned = execution.assigned("n", key -> false);
        assertThat(assigned.start()).extracting(Claim::index, Claim::attempt).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, 1), org.assertj.core.groups.Tuple.tuple(1, 1));
        assertThat(assigned.start()).filteredOn(Claim::startsJob).as("the job starts once").hasSize(1);
        assertThat(assigned.queued()).isEqualTo(1);
        AttemptKey first = new AttemptKey(two, 0, 1);
        assertThat(assigned.running()).containsExactlyInAnyOrder(first, new AttemptKey(two, 1, 1));
        assertThat(execution.assigned("n", first::equals).start()).as("what the node has is not handed out again")
                .extracting(Claim::index).containsExactly(1);

        assertThat(execution.releaseSteps("n", "node n restarted")).isEqualTo(3);
        assertThat(attemptOutcomes()).as("a running attempt is LOST with its node, a queued one was no attempt yet")
                .containsOnly(Map.entry(two + "/0", "LOST"), Map.entry(two + "/1", "LOST"));
        assertThat(states(two)).containsExactly("READY", "READY");
    }

    /**
     * Notifications are what wakes a node, tells the scheduler that ends wait to be applied and
     * the node that ran a job's last step that the job ended; each node is woken on its own
     * channel, so that the others are not woken for nothing.
     */
    @Test
    void aDispatchWakesEachNodeThatGotStepsOnItsOwnChannelAndAnAppliedEndTellsTheNodeThatRanIt() throws Exception {
        cluster.register("m", UUID.randomUUID(), 8);
        cluster.register("idle", UUID.randomUUID(), 8);
        UUID onN = submit("on-n", step("x"));
        UUID onM = submit("on-m", step("y"), step("z", "y"));
        try (Handle listener = jdbi.open()) {
            for (String node : List.of("n", "m", "idle")) {
                listener.execute("listen " + Channel.WORKER.of(node));
                listener.execute("listen " + Channel.ENDED.of(node));
            }
            listener.execute("listen flow_scheduler");
            dispatch.dispatch(List.of(new Dispatch(onN, 0, "n", "n", true, true), new Dispatch(onM, 0, "m", "m", true, true)),
                    "sched", epoch);
            assertThat(notifications(listener, 3)).containsExactlyInAnyOrder(Channel.WORKER.of("n") + " ",
                    Channel.WORKER.of("m") + " ");

            execution.recordEnds(List.of(end(onN, 0, 1, OK), end(onM, 0, 1, OK)));
            List<String> signals = notifications(listener, 2);
            assertThat(signals).hasSize(1).allSatisfy(n -> assertThat(n).startsWith("flow_scheduler "));
            assertThat(SchedulerSignal.endedJobs(signals.get(0).substring("flow_scheduler ".length())))
                    .hasValueSatisfying(ids -> assertThat(ids).containsExactlyInAnyOrder(onN, onM));

            assertThat(dispatch.applyEnds("sched", epoch, ALL).freedSlots()).containsOnly(Map.entry("n", 1), Map.entry("m", 1));
            assertThat(notifications(listener, 2)).as("on-m has a step to run yet")
                    .containsExactly(Channel.ENDED.of("n") + " SUCCEEDED " + onN);
        }
    }

    /**
     * The scheduler applies the ends of the jobs the nodes named, by key, without looking for
     * others; many jobs' ends take several signals, each under PostgreSQL's payload limit.
     */
    @Test
    void theSchedulerAppliesTheEndsOfTheJobsNamedAndManyEndsAreNamedInSeveralSignals() throws Exception {
        List<UUID> many = new ArrayList<>();
        for (int i = 0; i < SchedulerSignal.MAX_ENDED_JOBS + 10; i++) {
            many.add(submit("many-" + i, step("only")));
        }
        List<Dispatch> plan = many.stream().map(j -> new Dispatch(j, 0, "n", "n", true, true)).toList();
        assertThat(dispatch.dispatch(plan, "sched", epoch)).isEqualTo(many.size());
        try (Handle listener = jdbi.open()) {
            listener.execute("listen flow_scheduler");
            assertThat(execution.recordEnds(many.stream().map(j -> end(j, 0, 1, OK)).toList())).containsOnly(true);
            List<UUID> named = new ArrayList<>();
            List<String> signals = notifications(listener, 3);
            assertThat(signals).hasSize(2);
            signals.forEach(n -> named.addAll(SchedulerSignal.endedJobs(n.substring("flow_scheduler ".length())).orElseThrow()));
            assertThat(named).containsExactlyInAnyOrderElementsOf(many);
        }

        AppliedEnds first = dispatch.applyEnds("sched", epoch, Optional.of(many.subList(0, 3)));
        assertThat(first.applied()).isEqualTo(3);
        assertThat(states(many.get(0))).containsExactly("SUCCEEDED");
        assertThat(states(many.get(3))).as("not named: left for later").containsExactly("RUNNING");
        assertThat(dispatch.applyEnds("sched", epoch, ALL).applied()).isEqualTo(many.size() - 3);
    }

    /** A message for a job without an owner waits; the dispatch that gives the job its owner tells the inboxes. */
    @Test
    void aDispatchThatGivesAJobWithMessagesWaitingAnOwnerTellsTheInboxes() throws Exception {
        UUID waiting = submit("waiting", step("x"));
        UUID without = submit("without", step("y"));
        Stores.jobs.addMessage(waiting, "go", null, "n");
        try (Handle listener = jdbi.open()) {
            listener.execute("listen flow_message");
            dispatch.dispatch(List.of(new Dispatch(waiting, 0, "n", "n", true, true), new Dispatch(without, 0, "n", "n", true, true)),
                    "sched", epoch);
            assertThat(notifications(listener, 2)).containsExactly("flow_message " + waiting);
        }
    }

    private static List<String> notifications(Handle listener, int expected) throws SQLException {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (got.size() < expected && System.nanoTime() < deadline) {
            PGNotification[] arrived = listener.getConnection().unwrap(PGConnection.class)
                    .getNotifications(200);
            for (PGNotification n : arrived == null ? new PGNotification[0] : arrived) {
                got.add(n.getName() + " " + n.getParameter());
            }
        }
        return got;
    }

    /** The store applies what the output keeps: the tail, the server's own lines, one marker replaced in place. */
    @Test
    void aLogKeepsItsTailAcrossFlushes() {
        UUID job = submit("chatty", step("talk"));
        assertThat(dispatch.dispatch(List.of(new Dispatch(job, 0, "n", "n", true, true)), "sched", epoch)).isEqualTo(1);
        StepOutput output = new StepOutput(job, 0, 1, new OutputLimits(1000, 3, 100));
        output.append("stdout", "1");
        output.append("stdout", "2");
        output.system("[a line of the server's]");
        output.append("stdout", "3");
        execution.appendLog(output.drain());
        output.append("stdout", "4");
        output.append("stdout", "5");
        execution.appendLog(output.drain());
        output.append("stdout", "6");
        execution.appendLog(output.drain());

        assertThat(jobs.log(job)).extracting(LogLine::line).containsExactly(
                "[output cut: 3 lines (6 bytes) dropped; the log keeps the last 1000 bytes or 3 lines of each attempt]",
                "[a line of the server's]", "4", "5", "6");
    }

    private static AttemptEnd end(UUID job, int index, int attempt, AttemptResult result) {
        return new AttemptEnd(job, index, attempt, result, Instant.now());
    }

    private void dispatch(Object... jobAndIndex) {
        List<Dispatch> plan = new ArrayList<>();
        for (int i = 0; i < jobAndIndex.length; i += 2) {
            plan.add(new Dispatch((UUID) jobAndIndex[i], (Integer) jobAndIndex[i + 1], "n", "n"));
        }
        assertThat(dispatch.dispatch(plan, "sched", epoch)).isEqualTo(plan.size());
    }

    private static StepSpec step(String name, String... dependsOn) {
        return new StepSpec(name, "noop", null, null, null, null, null, null, List.of(dependsOn), null, null);
    }

    private static StepSpec step(String name, RetrySpec retries) {
        return new StepSpec(name, "noop", null, null, null, null, null, retries, null, null, null);
    }

    private static UUID submit(String name, StepSpec... steps) {
        return jobs.submit(new JobSpec(name, 0, null, null, List.of(steps), null, null), DistributionMode.LOCAL, Optional.empty(), name)
                .jobId();
    }

    private static List<String> states(UUID job) {
        return jdbi.withHandle(h -> h.createQuery("select state from step where job_id = :j order by idx").bind("j", job)
                .mapTo(String.class).list());
    }

    private static <T> T value(String sql, UUID job, Class<T> type) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind("j", job).mapTo(type).one());
    }

    private static Map<String, String> attemptOutcomes() {
        return jdbi.withHandle(h -> h.createQuery("select job_id || '/' || idx as step, outcome from step_attempt")
                .mapToMap().list()).stream()
                .collect(Collectors.toMap(r -> (String) r.get("step"), r -> (String) r.get("outcome")));
    }
}
