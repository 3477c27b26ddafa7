package io.flowcluster.server.worker;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.job.AttemptResult.Outcome;
import io.flowcluster.server.job.AttemptResult;
import io.flowcluster.server.job.JobState;
import io.flowcluster.server.metrics.FlowMetrics;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.JobsEnded;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.notify.Threads;
import io.flowcluster.server.notify.WakeupLoop;
import io.flowcluster.server.store.Assignments;
import io.flowcluster.server.store.AttemptEnd;
import io.flowcluster.server.store.AttemptKey;
import io.flowcluster.server.store.Claim;
import io.flowcluster.server.store.ClusterStore;
import io.flowcluster.server.store.ExecutionStore;
import io.flowcluster.server.store.GroupCommit;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Runs the steps the scheduler dispatched to this node, at most {@code task-pool-size} at
 * once, most urgent first. At start-up it hands back whatever a previous run of this node
 * left behind; at shutdown it stops its steps and hands them back for another attempt.
 */
@Singleton
public class Worker {

    private static final Logger LOG = Logger.getLogger(Worker.class);
    private static final Duration WORKSPACE_SWEEP = Duration.ofMinutes(1);
    /** Step ends recorded in one transaction at most: enough to amortise a commit, few enough to keep job locks short. */
    private static final int MAX_COMPLETION_GROUP = 256;

    private final ExecutionStore store;
    private final ClusterStore cluster;
    private final CommandRunner commands;
    private final Workspaces workspaces;
    private final MessageInbox inbox;
    private final FanoutRunner fanout;
    private final LocalNode node;
    private final FlowConfig config;
    private final Notifications notifications;
    private final FlowMetrics metrics;
    private final WakeupLoop claimer;
    private final GroupCommit<AttemptEnd, Boolean> completions;
    private final Map<String, Execution> running = new ConcurrentHashMap<>();
    /** Attempts that ended here, with the look they ended during (see {@link #claim}). */
    private final Map<AttemptKey, Long> ended = new ConcurrentHashMap<>();
    private final AtomicLong looks = new AtomicLong();
    /** Whether steps may wait DISPATCHED in this node's queue. */
    private volatile boolean queuedHere;
    /** The scheduler sent work since the last look at the database. */
    private final AtomicBoolean dispatchedHere = new AtomicBoolean(true);
    private long nextLook;
    private final TaskSlots slots;
    private final ExecutorService waits = Executors.newCachedThreadPool(Threads.daemonFactory("flow-wait"));
    private final ExecutorService stopper = Executors.newCachedThreadPool(Threads.daemonFactory("flow-step-stopper"));
    private final ScheduledExecutorService flusher =
            Executors.newSingleThreadScheduledExecutor(Threads.daemonFactory("flow-log-flusher"));
    private volatile boolean accepting;

    Worker(ExecutionStore store, ClusterStore cluster, CommandRunner commands, Workspaces workspaces, MessageInbox inbox,
            FanoutRunner fanout, LocalNode node, FlowConfig config, Notifications notifications, FlowMetrics metrics) {
        this.store = store;
        this.inbox = inbox;
        this.fanout = fanout;
        this.cluster = cluster;
        this.commands = commands;
        this.workspaces = workspaces;
        this.node = node;
        this.config = config;
        this.notifications = notifications;
        this.metrics = metrics;
        this.completions = new GroupCommit<>("step ends", MAX_COMPLETION_GROUP, store::recordEnds);
        this.claimer = new WakeupLoop("flow-worker", this::claim, config.worker().pollInterval());
        this.slots = new TaskSlots("flow-step", config.worker().taskPoolSize(), () -> {
            if (queuedHere) {
                claimer.signal(); // a slot for a step queued here
            }
        });
    }

    public void start() {
        register();
        metrics.registerRunningSteps(running::size);
        notifications.subscribeOwn(Channel.WORKER, payload -> {
            dispatchedHere.set(true);
            claimer.signal();
        });
        notifications.subscribe(Channel.ABORT, this::onAbort);
        notifications.subscribeOwn(Channel.ENDED, this::onJobsEnded);
        long flushMillis = config.worker().logFlushInterval().toMillis();
        flusher.scheduleWithFixedDelay(Threads.supervised("flow-log-flusher", this::flushAll), flushMillis, flushMillis,
                TimeUnit.MILLISECONDS);
        flusher.scheduleWithFixedDelay(Threads.supervised("flow-workspace-sweep", this::sweepWorkspaces), 0,
                WORKSPACE_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        accepting = true;
        claimer.start();
    }

    /**
     * SIGTERM drains: no new work, steps not yet started go back to the scheduler, running
     * steps may finish within the drain timeout; what still runs then is handed back.
     */
    public void stop() {
        accepting = false;
        claimer.stop();
        drain();
        handBackAll("node shutting down");
        waits.shutdown();
        slots.stop(false, config.worker().killGrace().plusSeconds(2));
        flusher.shutdownNow();
        try {
            int released = store.releaseSteps(node.id(), "node " + node.id() + " shut down");
            LOG.infof("Stopped; handed back %d steps", released);
        } catch (RuntimeException e) {
            LOG.warnf("Could not hand back steps at shutdown (%s); the next start does it", e.getMessage());
        }
    }

    private void drain() {
        try {
            cluster.setDraining(node.id(), true, config.cluster().nodeTimeout());
            store.releaseDispatched(node.id());
        } catch (RuntimeException e) {
            LOG.warnf("Could not mark this node draining (%s); handing its steps back now", e.getMessage());
            return;
        }
        // a wait step, or a fanout step's coordination, resumes on another node as well as here:
        // no reason to hold the shutdown for it
        running.values().stream().filter(e -> !holdsSlot(e.claim())).forEach(this::handBack);
        waitUntilIdle(config.worker().drainTimeout(), true);
    }

    /**
     * Registers this node (again) and hands back whatever its previous run, or this run
     * before it was declared dead, left dispatched or running.
     */
    public void register() {
        cluster.register(node.id(), node.incarnation(), config.worker().taskPoolSize());
        int released = store.releaseSteps(node.id(), "node " + node.id() + " restarted");
        if (released > 0) {
            LOG.infof("Handed back %d steps left by this node's previous run", released);
        }
    }

    /**
     * Waits until no step runs here any more (stopped steps take up to the kill grace), so
     * that handing them back cannot let another attempt start while one still runs here.
     */
    public void awaitIdle() {
        waitUntilIdle(config.worker().killGrace().plusSeconds(2), false);
    }

    /** Waits until nothing runs here, at most {@code limit}; with {@code report}, says so every 5 s. */
    private void waitUntilIdle(Duration limit, boolean report) {
        long deadline = System.nanoTime() + limit.toNanos();
        long nextReport = 0;
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            if (report && System.nanoTime() >= nextReport) {
                LOG.infof("Draining: waiting for %d running steps (at most %s)", running.size(), limit);
                nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops every running step without recording its end: another attempt will run elsewhere. */
    public void handBackAll(String reason) {
        handBackAll(reason, config.worker().killGrace());
    }

    /** The same with {@code grace} between SIGTERM and SIGKILL: zero when another node may take the steps over any moment. */
    public void handBackAll(String reason, Duration grace) {
        if (!running.isEmpty()) {
            LOG.warnf("Stopping %d running steps: %s", running.size(), reason);
        }
        running.values().forEach(e -> handBack(e, grace));
    }

    private void handBack(Execution e) {
        handBack(e, config.worker().killGrace());
    }

    private void handBack(Execution e, Duration grace) {
        stopper.submit(() -> e.stop(Execution.StopReason.HANDED_BACK, grace));
    }

    /**
     * Starts what the scheduler started here (RUNNING on this node, not run yet), then claims
     * queued steps for the slots still free. Runs on the claimer thread alone: an attempt is
     * in {@code running} before the next look, and in {@code ended} from before it leaves
     * {@code running} until the database no longer shows it running here, so that no look
     * can take an attempt that ran here for a new one.
     */
    private Duration claim() {
        if (!accepting) {
            return config.worker().pollInterval();
        }
        // the database is read when the scheduler sent work, and at the poll interval; a slot
        // that frees only claims from the queue
        if (dispatchedHere.getAndSet(false) || System.nanoTime() >= nextLook) {
            nextLook = System.nanoTime() + config.worker().pollInterval().toNanos();
            long look = looks.incrementAndGet();
            Assignments assigned = store.assigned(node.id(), this::known);
            // ended before this look began, and no longer running here: no look can return them again
            ended.entrySet().removeIf(e -> e.getValue() < look && !assigned.running().contains(e.getKey()));
            assigned.start().forEach(this::start);
            queuedHere = assigned.queued() > 0;
        }
        int free = slots.free();
        if (free > 0 && queuedHere) {
            List<Claim> claimed = store.claim(node.id(), free);
            claimed.forEach(this::start);
            queuedHere = claimed.size() == free; // fewer than asked: the queue is empty
        }
        return config.worker().pollInterval();
    }

    /** Whether this node runs or ran the attempt; another attempt of the step still stopping here makes the new one wait. */
    private boolean known(AttemptKey key) {
        return running.containsKey(key.jobId() + "/" + key.index()) || ended.containsKey(key);
    }

    private void start(Claim claim) {
        Execution execution = new Execution(claim, OutputLimits.of(config.worker()));
        running.put(claim.jobId() + "/" + claim.index(), execution);
        if (holdsSlot(claim)) {
            // a step beyond the free slots (the scheduler's count was behind) waits in the pool's queue
            slots.run(() -> execute(execution));
        } else {
            waits.submit(() -> execute(execution));
        }
    }

    private void execute(Execution execution) {
        Claim claim = execution.claim();
        String key = claim.jobId() + "/" + claim.index();
        Instant startedAt = Instant.now();
        MDC.put("jobId", claim.jobId().toString());
        MDC.put("step", claim.spec().name());
        MDC.put("attempt", claim.attempt());
        try {
            if (execution.stopReason() != null) {
                return; // aborted or handed back while it waited for a slot here: it never ran
            }
            if (claim.startsJob()) {
                metrics.jobStarted(Duration.between(claim.submittedAt(), startedAt));
            }
            AttemptResult result = run(execution);
            execution.flush(store);
            metrics.attemptFinished(result.outcome());
            if (execution.stopReason() == Execution.StopReason.HANDED_BACK) {
                return; // its attempt is LOST; the next one runs wherever the scheduler says
            }
            // the result is known and must not be lost, unless this node hands the attempt back meanwhile
            AttemptEnd end = new AttemptEnd(claim.jobId(), claim.index(), claim.attempt(), result, startedAt);
            Optional<Boolean> recorded = OutageRetry.retry("Recording the end of the step", () -> completions.write(end),
                    () -> execution.stopReason() == Execution.StopReason.HANDED_BACK);
            if (recorded.isEmpty()) {
                return; // handed back while the database was away: the attempt runs again
            }
            LOG.debugf("Step attempt ended: %s%s", result.outcome(), recorded.get() ? "" : " (no longer current)");
        } catch (RuntimeException | InterruptedException e) {
            // the attempt stays RUNNING in the database; it is handed back when this node restarts or rejoins
            LOG.errorf(e, "Step attempt could not be completed");
        } catch (Error e) {
            Threads.fatal("the step thread of " + key, e);
        } finally {
            ended.put(new AttemptKey(claim.jobId(), claim.index(), claim.attempt()), looks.get());
            running.remove(key);
            MDC.clear();
        }
    }

    /**
     * A waiting step holds no slot of the task pool (pending approvals must not starve the
     * node), nor does a fanout step's coordinator: its packets take the slots of the nodes.
     */
    private static boolean holdsSlot(Claim claim) {
        return claim.spec().stepKind().holdsSlot();
    }

    private AttemptResult run(Execution execution) throws InterruptedException {
        return switch (execution.claim().spec().stepKind()) {
            case NOOP -> new AttemptResult(Outcome.SUCCEEDED, null, null);
            case WAIT -> WaitStep.run(execution, inbox);
            case FANOUT -> fanout.run(execution);
            case COMMAND -> commands.run(execution);
        };
    }

    private void onAbort(String jobId) {
        if (jobId == null) {
            // notifications were lost: ask the database which of our jobs were aborted meanwhile
            stopper.submit(() -> {
                List<UUID> jobs = running.values().stream().map(e -> e.claim().jobId()).distinct().toList();
                store.abortedAmong(jobs).forEach(id -> stopJob(id.toString()));
            });
        } else {
            stopJob(jobId);
        }
    }

    private void stopJob(String jobId) {
        running.values().stream()
                .filter(e -> e.claim().jobId().toString().equals(jobId))
                .forEach(e -> stopper.submit(() -> e.stop(Execution.StopReason.ABORTED, config.worker().killGrace())));
    }

    /** On the listener thread: jobs whose last step ran here ended, as the scheduler applied their ends. */
    private void onJobsEnded(String payload) {
        Map<UUID, JobState> ended = JobsEnded.parse(payload);
        ended.forEach((id, state) -> {
            metrics.jobFinished(state);
            if (state == JobState.SUCCEEDED) {
                LOG.debugf("Job %s %s", id, state); // one line per job would flood a busy node's log
            } else {
                LOG.infof("Job %s %s", id, state);
            }
        });
        if (!ended.isEmpty()) {
            stopper.submit(() -> ended.keySet().forEach(workspaces::delete));
        }
    }

    /** Workspaces of jobs that ended elsewhere after a failover, or while this node was down. */
    private void sweepWorkspaces() {
        try {
            int deleted = workspaces.sweep();
            if (deleted > 0) {
                LOG.debugf("Deleted %d workspaces of jobs that have ended", deleted);
            }
        } catch (RuntimeException e) {
            LOG.debugf("Workspaces not swept this time: %s", e.getMessage()); // the database may be away; next time
        }
    }

    private void flushAll() {
        for (Execution e : running.values()) {
            try {
                e.flush(store);
            } catch (RuntimeException ex) {
                LOG.warnf("Writing step output failed: %s", ex.getMessage());
            }
        }
    }
}
