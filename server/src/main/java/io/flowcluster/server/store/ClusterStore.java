package io.flowcluster.server.store;

import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.notify.SchedulerSignal;
import io.flowcluster.server.ring.AppliedRing.LiveMember;
import io.flowcluster.server.ring.AppliedRing;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Membership, the scheduler lease and what the scheduler publishes, in the database. */
@Singleton
public class ClusterStore {

    private static final Logger LOG = Logger.getLogger(ClusterStore.class);

    private final Jdbi jdbi;
    /**
     * The heartbeat's own connection, held between beats: requests that hold every other
     * connection of the pool must not keep this node from proving itself alive (its watchdog
     * would stop its steps).
     */
    private Handle heartbeats;

    public ClusterStore(Jdbi jdbi) {
        this.jdbi = jdbi;
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
     * Proves this incarnation alive, with the count of jobs that ended on it. False when the scheduler declared it dead meanwhile (its
     * work was handed over) or another process registered the same node id.
     */
    public synchronized boolean heartbeat(String node, UUID incarnation, long jobsFinished) {
        if (heartbeats == null) {
            heartbeats = jdbi.open();
        }
        try {
            return heartbeats.createUpdate("""
                            update node set heartbeat_at = now(), jobs_finished = :finished
                            where id = :id and incarnation = :inc and not declared_dead""")
                    .bind("id", node).bind("inc", incarnation).bind("finished", jobsFinished).execute() == 1;
        } catch (RuntimeException e) {
            closeHeartbeats(); // not kept when broken: the next beat takes another from the pool
            throw e;
        }
    }

    @PreDestroy
    synchronized void closeHeartbeats() {
        if (heartbeats != null) {
            try {
                heartbeats.close();
            } catch (RuntimeException e) {
                LOG.debugf("Closing the heartbeat's connection: %s", e.getMessage());
            }
            heartbeats = null;
        }
    }

    /**
     * Takes the lease if it is free or expired, or renews it if held. A takeover, and a
     * holder coming back after its lease expired, increments the epoch. Returns the epoch
     * while held.
     */
    public OptionalLong holdLease(String node, Duration duration) {
        // a takeover from another holder whose lease lapsed (not released) records it with its last
        // heartbeat; a renewal keeps what the takeover recorded
        return jdbi.withHandle(h -> h.createQuery("""
                        update scheduler_lease l set
                            epoch = case when holder = :node and expires_at > now() then epoch else epoch + 1 end,
                            acquired_at = case when holder = :node and expires_at > now() then acquired_at else now() end,
                            lapsed_holder = case when holder = :node and expires_at > now() then lapsed_holder
                                when holder <> :node then holder end,
                            lapsed_heartbeat_at = case when holder = :node and expires_at > now() then lapsed_heartbeat_at
                                when holder <> :node then (select heartbeat_at from node where id = l.holder) end,
                            holder = :node,
                            expires_at = now() + make_interval(secs => :secs)
                        where id = 1 and (holder = :node or holder is null or expires_at <= now())
                        returning epoch""")
                .bind("node", node).bind("secs", seconds(duration))
                .mapTo(Long.class).findOne()
                .map(OptionalLong::of).orElse(OptionalLong.empty()));
    }

    /** Gives the lease up at shutdown, so a standby takes over at once (and does not suspect this node). */
    public void releaseLease(String node) {
        jdbi.useHandle(h -> h.createUpdate(
                        "update scheduler_lease set expires_at = now(), holder = null where id = 1 and holder = :node")
                .bind("node", node).execute());
    }

    public LeaseHolder leaseHolder() {
        return jdbi.withHandle(h -> h.createQuery(
                        "select holder, epoch, acquired_at, expires_at > now() as valid from scheduler_lease where id = 1")
                .map((rs, ctx) -> new LeaseHolder(rs.getBoolean("valid") ? rs.getString("holder") : null,
                        rs.getLong("epoch"), Columns.instant(rs, "acquired_at")))
                .one());
    }

    /**
     * Live nodes (fresh heartbeat, not declared dead) with their task pool size and draining
     * flag. The scheduler whose lease lapsed is not one until it heartbeats after the takeover:
     * its heartbeat may still look fresh for up to a heartbeat interval after its node died,
     * and work placed on it then would wait for the node to be declared dead.
     */
    public List<LiveMember> liveMembers(Duration nodeTimeout) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, task_pool_size, draining from node n
                        where not declared_dead and heartbeat_at > now() - make_interval(secs => :secs)
                            and not exists (select 1 from scheduler_lease l
                                where l.lapsed_holder = n.id and n.heartbeat_at <= l.lapsed_heartbeat_at)
                        order by id""")
                .bind("secs", seconds(nodeTimeout))
                .map((rs, ctx) -> new LiveMember(rs.getString("id"), rs.getInt("task_pool_size"), rs.getBoolean("draining")))
                .list());
    }

    /**
     * Hands over the work of every node silent longer than the timeout: its running attempts
     * are LOST and their steps READY again, its unfinished jobs lose their owner so that the
     * scheduler places them anew. Fenced by the scheduler epoch. Returns the nodes handled.
     */
    public List<String> handOverSilentNodes(String scheduler, long epoch, Duration nodeTimeout) {
        List<String> silent = jdbi.inTransaction(h -> {
            Fencing.check(h, scheduler, epoch);
            List<String> nodes = new ArrayList<>(h.createQuery("""
                            update node set declared_dead = true
                            where not declared_dead and heartbeat_at <= now() - make_interval(secs => :secs)
                            returning id""")
                    .bind("secs", seconds(nodeTimeout))
                    .mapTo(String.class).list());
            // work can also be held by nodes declared dead before, or never seen (a full restart)
            nodes.addAll(h.createQuery("""
                            select owner_node from job where state in ('PENDING', 'RUNNING') and owner_node is not null
                            union
                            select node from step where state in ('DISPATCHED', 'RUNNING')
                            except
                            select id from node where not declared_dead""")
                    .mapTo(String.class).list());
            return nodes.stream().distinct().sorted().toList();
        });
        for (String node : silent) {
            jdbi.useTransaction(h -> {
                Fencing.check(h, scheduler, epoch);
                // the node row first (lock order), and only while still dead: it may have come back
                boolean back = h.createQuery("select not declared_dead from node where id = :node for update")
                        .bind("node", node).mapTo(Boolean.class).findOne().orElse(false);
                if (back) {
                    return;
                }
                ExecutionStore.releaseSteps(h, node, "node " + node + " stopped answering");
                h.createUpdate("""
                                update job set owner_node = null, owner_epoch = null
                                where owner_node = :node and state in ('PENDING', 'RUNNING')""")
                        .bind("node", node).execute();
                Notifications.send(h, Channel.SCHEDULER, SchedulerSignal.MEMBERS);
            });
        }
        return silent;
    }

    /** Unfinished jobs per owner: the load bounded-load placement balances. */
    public Map<String, Integer> activeJobsByOwner() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_node, count(*) as jobs from job
                        where state in ('PENDING', 'RUNNING') and owner_node is not null group by owner_node""")
                .reduceRows(new HashMap<String, Integer>(), (map, row) -> {
                    map.put(row.getColumn("owner_node", String.class), row.getColumn("jobs", Integer.class));
                    return map;
                }));
    }

    /**
     * Records the ring the scheduler applies. Its epoch increases only when the members or
     * the draining members change. Fenced. Returns the ring epoch.
     */
    public long publishRing(String scheduler, long schedulerEpoch, AppliedRing ring) {
        return jdbi.inTransaction(h -> {
            Fencing.check(h, scheduler, schedulerEpoch);
            return h.createQuery("""
                            update ring_state set
                                epoch = case when members = cast(:members as text[]) and draining = cast(:draining as text[])
                                    then epoch else epoch + 1 end,
                                members = cast(:members as text[]), draining = cast(:draining as text[]),
                                scheduler = :scheduler, scheduler_epoch = :schedulerEpoch, updated_at = now()
                            where id = 1 returning epoch""")
                    .bind("members", ring.members().toArray(String[]::new))
                    .bind("draining", ring.draining().toArray(String[]::new))
                    .bind("scheduler", scheduler).bind("schedulerEpoch", schedulerEpoch)
                    .mapTo(Long.class).one();
        });
    }

    /**
     * Unowns the unfinished jobs of members outside {@code eligible} that have nothing
     * dispatched or running: they are placed anew at their next step, and a draining
     * member is left owning nothing. Fenced. Returns how many jobs were unowned.
     */
    public int disownIdleJobs(String scheduler, long schedulerEpoch, Set<String> eligible) {
        return jdbi.inTransaction(h -> {
            Fencing.check(h, scheduler, schedulerEpoch);
            String[] keep = eligible.toArray(String[]::new);
            List<UUID> jobs = h.createQuery("""
                            select id from job where state in ('PENDING', 'RUNNING')
                              and owner_node is not null and owner_node <> all(:keep)""")
                    .bind("keep", keep).mapTo(UUID.class).list();
            if (jobs.isEmpty()) {
                return 0;
            }
            JobLocks.lockAll(h, new TreeSet<>(jobs));
            return h.createUpdate("""
                            update job j set owner_node = null, owner_epoch = null
                            where j.id = any(:jobs) and j.owner_node <> all(:keep)
                              and not exists (select 1 from step s where s.job_id = j.id
                                              and s.state in ('DISPATCHED', 'RUNNING'))""")
                    .bind("jobs", jobs.toArray(UUID[]::new)).bind("keep", keep).execute();
        });
    }

    /** Marks a member draining (no new work, its jobs move at step boundaries) or takes it back. */
    /**
     * Marks a member draining (it takes no new work) or takes it back. A dead member is not
     * drained: its work has been handed over already, and it would come back drained.
     */
    public DrainOutcome setDraining(String node, boolean draining, Duration nodeTimeout) {
        return jdbi.inTransaction(h -> {
            Optional<Boolean> live = h.createQuery("""
                            select not declared_dead and heartbeat_at > now() - make_interval(secs => :secs)
                            from node where id = :id for update""")
                    .bind("id", node).bind("secs", seconds(nodeTimeout))
                    .mapTo(Boolean.class).findOne();
            if (live.isEmpty()) {
                return DrainOutcome.NO_SUCH_MEMBER;
            }
            if (draining && !live.get()) {
                return DrainOutcome.MEMBER_DEAD;
            }
            h.createUpdate("update node set draining = :draining where id = :id").bind("id", node).bind("draining", draining)
                    .execute();
            Notifications.send(h, Channel.SCHEDULER, SchedulerSignal.MEMBERS);
            return DrainOutcome.CHANGED;
        });
    }

    /** The ring the scheduler last applied. */
    public RingState ringState() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select epoch, members, draining, scheduler, scheduler_epoch, updated_at from ring_state where id = 1""")
                .map((rs, ctx) -> new RingState(rs.getLong("epoch"),
                        List.of((String[]) rs.getArray("members").getArray()),
                        List.of((String[]) rs.getArray("draining").getArray()),
                        rs.getString("scheduler"), rs.getLong("scheduler_epoch"), Columns.instant(rs, "updated_at")))
                .one());
    }

    /** Every node the database knows, with its load, for the cluster view. */
    public List<NodeState> nodes(Duration nodeTimeout) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select n.id, n.task_pool_size, n.draining, n.started_at, n.heartbeat_at, n.jobs_finished,
                            not n.declared_dead and n.heartbeat_at > now() - make_interval(secs => :secs) as live,
                            (select count(*) from job j where j.owner_node = n.id
                                and j.state in ('PENDING', 'RUNNING')) as owned_jobs,
                            (select count(*) from step s where s.node = n.id
                                and s.state in ('DISPATCHED', 'RUNNING')) as active_steps
                        from node n order by n.id""")
                .bind("secs", seconds(nodeTimeout))
                .map((rs, ctx) -> new NodeState(rs.getString("id"), rs.getBoolean("live"), rs.getBoolean("draining"),
                        rs.getInt("task_pool_size"), rs.getInt("owned_jobs"), rs.getInt("active_steps"),
                        Columns.instant(rs, "started_at"), Columns.instant(rs, "heartbeat_at"), rs.getLong("jobs_finished")))
                .list());
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    public record LeaseHolder(String holder, long epoch, java.time.Instant since) {
    }

    /** What the scheduler last applied: ring epoch, members, draining members, and by whom. */
    public record RingState(long epoch, List<String> members, List<String> draining, String scheduler,
            long schedulerEpoch, java.time.Instant updatedAt) {
    }

    /** A node's row with its load; {@code draining} is what was asked through the API. */
    public record NodeState(String id, boolean live, boolean draining, int taskPoolSize, int ownedJobs,
            int activeSteps, java.time.Instant startedAt, java.time.Instant heartbeatAt, long jobsFinished) {
    }
}
