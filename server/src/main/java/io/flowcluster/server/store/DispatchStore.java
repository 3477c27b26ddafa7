package io.flowcluster.server.store;

import io.flowcluster.server.job.StepKind;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.scheduler.Candidate;
import io.flowcluster.server.scheduler.Dispatch;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The scheduler's view of the database: runnable steps, node capacity, and dispatching. */
@Singleton
public class DispatchStore {

    private final Jdbi jdbi;

    DispatchStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Steps DISPATCHED or RUNNING per node that hold a slot (a running wait or fanout step holds none). */
    public Map<String, Integer> activeStepsByNode() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select node, count(*) as active from step
                        where state in ('DISPATCHED', 'RUNNING')
                          and (state = 'DISPATCHED' or kind <> all(:slotless))
                        group by node""")
                .bind("slotless", StepKind.SLOTLESS.stream().map(StepKind::wireName).toArray(String[]::new))
                .reduceRows(new HashMap<String, Integer>(), (map, row) -> {
                    map.put(row.getColumn("node", String.class), row.getColumn("active", Integer.class));
                    return map;
                }));
    }

    /** READY steps whose backoff has passed, in dispatch order: priority, submission, step order. */
    public List<Candidate> readyCandidates(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select s.job_id, s.idx, j.owner_node,
                            exists (select 1 from step a where a.job_id = s.job_id
                                    and a.state in ('DISPATCHED', 'RUNNING')) as job_active,
                            j.distribution = 'DISTRIBUTED' and s.kind = any(:spreadable) as spreadable
                        from step s join job j on j.id = s.job_id
                        where s.state = 'READY' and (s.not_before is null or s.not_before <= now())
                        order by s.job_priority desc, s.job_seq, s.idx
                        limit :limit""")
                .bind("limit", limit)
                .bind("spreadable", StepKind.SPREADABLE.stream().map(StepKind::wireName).toArray(String[]::new))
                .map((rs, ctx) -> new Candidate(rs.getObject("job_id", UUID.class), rs.getInt("idx"),
                        rs.getString("owner_node"), rs.getBoolean("job_active"), rs.getBoolean("spreadable")))
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
                .map((rs, ctx) -> JobStore.instant(rs, "due"))
                .one()));
    }

    /**
     * Moves the planned steps READY to DISPATCHED and records their jobs' owners, in one
     * transaction fenced by the scheduler's epoch (a deposed scheduler's plan is refused with
     * {@link DeposedException}); a step aborted meanwhile stays aborted. Returns how many moved.
     */
    public int dispatch(List<Dispatch> plan, String scheduler, long epoch) {
        if (plan.isEmpty()) {
            return 0;
        }
        return jdbi.inTransaction(h -> {
            Fencing.check(h, scheduler, epoch);
            JobLocks.lockAll(h, plan.stream().map(Dispatch::jobId).collect(Collectors.toCollection(TreeSet::new)));
            PreparedBatch owners = h.prepareBatch("""
                    update job set owner_node = :node, owner_epoch = :epoch
                    where id = :job and owner_node is distinct from :node""");
            PreparedBatch steps = h.prepareBatch("""
                    update step set state = 'DISPATCHED', node = :node, dispatched_epoch = :epoch, dispatched_at = now()
                    where job_id = :job and idx = :idx and state = 'READY'""");
            for (Dispatch d : plan) {
                owners.bind("node", d.owner()).bind("job", d.jobId()).bind("epoch", epoch).add();
                steps.bind("node", d.node()).bind("job", d.jobId()).bind("idx", d.index()).bind("epoch", epoch).add();
            }
            owners.execute();
            int moved = Arrays.stream(steps.execute()).sum();
            for (String node : plan.stream().map(Dispatch::node).collect(Collectors.toCollection(TreeSet::new))) {
                Notifications.send(h, Channel.WORKER, node);
            }
            return moved;
        });
    }
}
