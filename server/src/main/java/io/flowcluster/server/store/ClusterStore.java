package io.flowcluster.server.store;

import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Membership, the scheduler lease and what the scheduler publishes, in the database. */
@Singleton
public class ClusterStore {

    private final Jdbi jdbi;

    ClusterStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Proves this incarnation alive. False when the scheduler declared it dead meanwhile (its
     * work was handed over) or another process registered the same node id.
     */
    public boolean heartbeat(String node, UUID incarnation) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update node set heartbeat_at = now()
                        where id = :id and incarnation = :inc and not declared_dead""")
                .bind("id", node).bind("inc", incarnation).execute() == 1);
    }

    /**
     * Takes the lease if it is free or expired, or renews it if held. A takeover, and a
     * holder coming back after its lease expired, increments the epoch. Returns the epoch
     * while held.
     */
    public OptionalLong holdLease(String node, Duration duration) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update scheduler_lease set
                            epoch = case when holder = :node and expires_at > now() then epoch else epoch + 1 end,
                            acquired_at = case when holder = :node and expires_at > now() then acquired_at else now() end,
                            holder = :node,
                            expires_at = now() + make_interval(secs => :secs)
                        where id = 1 and (holder = :node or holder is null or expires_at <= now())
                        returning epoch""")
                .bind("node", node).bind("secs", duration.toMillis() / 1000.0)
                .mapTo(Long.class).findOne()
                .map(OptionalLong::of).orElse(OptionalLong.empty()));
    }

    /** Gives the lease up at shutdown, so a standby takes over at once. */
    public void releaseLease(String node) {
        jdbi.useHandle(h -> h.createUpdate(
                        "update scheduler_lease set expires_at = now() where id = 1 and holder = :node")
                .bind("node", node).execute());
    }

    public LeaseHolder leaseHolder() {
        return jdbi.withHandle(h -> h.createQuery(
                        "select holder, epoch, acquired_at, expires_at > now() as valid from scheduler_lease where id = 1")
                .map((rs, ctx) -> new LeaseHolder(rs.getBoolean("valid") ? rs.getString("holder") : null,
                        rs.getLong("epoch"), JobStore.instant(rs, "acquired_at")))
                .one());
    }

    /** Live nodes (fresh heartbeat, not declared dead) with their task pool size and draining flag. */
    public List<Member> liveMembers(Duration nodeTimeout) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, task_pool_size, draining from node
                        where not declared_dead and heartbeat_at > now() - make_interval(secs => :secs)
                        order by id""")
                .bind("secs", nodeTimeout.toMillis() / 1000.0)
                .map((rs, ctx) -> new Member(rs.getString("id"), rs.getInt("task_pool_size"), rs.getBoolean("draining")))
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
                    .bind("secs", nodeTimeout.toMillis() / 1000.0)
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
                Notifications.send(h, Channel.SCHEDULER, node);
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

    public record Member(String id, int taskPoolSize, boolean draining) {
    }

    public record LeaseHolder(String holder, long epoch, java.time.Instant since) {
    }
}
