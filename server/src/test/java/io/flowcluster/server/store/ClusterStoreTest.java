package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.exceptionsorter.PostgreSQLExceptionSorter;
import io.agroal.api.security.NamePrincipal;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import io.flowcluster.server.ring.AppliedRing;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The lease, fencing (invariant 2) and the hand-over of a silent node (invariant 3), on a
 * real PostgreSQL with no server running, so that the test plays every node itself.
 */
class ClusterStoreTest extends Stores {

    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void renewingKeepsTheEpochAndEveryTakeoverIncrementsIt() throws Exception {
        long first = cluster.holdLease("a", SHORT).orElseThrow();
        assertThat(cluster.holdLease("a", SHORT)).hasValue(first);
        assertThat(cluster.holdLease("b", SHORT)).as("held by a").isEmpty();
        Thread.sleep(SHORT.toMillis() + 100);
        long second = cluster.holdLease("b", SHORT).orElseThrow();
        assertThat(second).isEqualTo(first + 1);
        Thread.sleep(SHORT.toMillis() + 100);
        assertThat(cluster.holdLease("b", LONG)).as("a holder back after its lease expired starts a new epoch")
                .hasValue(second + 1);
    }

    /**
     * The takeover window: a scheduler's lease and its node's heartbeat lapse about
     * together, so the new scheduler takes the node whose lease lapsed for no member until it
     * heartbeats again; nothing is placed on a node that may have just died.
     */
    @Test
    void theSchedulerWhoseLeaseLapsedIsNoMemberUntilItHeartbeatsAgain() throws Exception {
        UUID a = UUID.randomUUID();
        cluster.register("a", a, 4);
        cluster.register("b", UUID.randomUUID(), 4);
        cluster.holdLease("a", SHORT).orElseThrow();
        Thread.sleep(SHORT.toMillis() + 100);
        cluster.holdLease("b", LONG).orElseThrow();
        assertThat(members()).as("a's heartbeat is fresh, but its lease lapsed").containsExactly("b");
        cluster.holdLease("b", LONG).orElseThrow();
        assertThat(members()).as("b's renewals keep it out").containsExactly("b");

        assertThat(cluster.heartbeat("a", a, 0)).isTrue();
        assertThat(members()).as("a beat after the takeover: alive").containsExactly("a", "b");
    }

    @Test
    void aReleasedLeaseOrOnesOwnLapsedLeaseMakesNoOneSuspect() throws Exception {
        cluster.register("a", UUID.randomUUID(), 4);
        cluster.register("b", UUID.randomUUID(), 4);
        cluster.holdLease("a", LONG).orElseThrow();
        cluster.releaseLease("a");
        cluster.holdLease("b", SHORT).orElseThrow();
        assertThat(members()).as("a gave the lease up at shutdown").containsExactly("a", "b");
        Thread.sleep(SHORT.toMillis() + 100);
        cluster.holdLease("b", LONG).orElseThrow();
        assertThat(members()).as("b took its own lapsed lease back").containsExactly("a", "b");
    }

    private List<String> members() {
        return cluster.liveMembers(LONG).stream().map(AppliedRing.LiveMember::id).toList();
    }

    @Test
    void aDeposedSchedulerCannotDispatchOrHandOverOrPublish() throws Exception {
        long old = cluster.holdLease("a", SHORT).orElseThrow();
        cluster.register("worker", UUID.randomUUID(), 4);
        UUID job = submit("fenced");
        Thread.sleep(SHORT.toMillis() + 100);
        long current = cluster.holdLease("b", LONG).orElseThrow();
        List<Dispatch> plan = List.of(new Dispatch(job, 0, "worker", "worker"));

        assertThatThrownBy(() -> dispatch.dispatch(plan, "a", old)).isInstanceOf(DeposedException.class);
        assertThatThrownBy(() -> cluster.handOverSilentNodes("a", old, LONG)).isInstanceOf(DeposedException.class);
        assertThatThrownBy(() -> cluster.publishRing("a", old, ring("worker"))).isInstanceOf(DeposedException.class);
        assertThatThrownBy(() -> cluster.disownIdleJobs("a", old, new TreeSet<>())).isInstanceOf(DeposedException.class);
        assertThat(stepState(job)).as("the deposed scheduler's plan changed nothing").isEqualTo("READY");

        assertThat(dispatch.dispatch(plan, "b", current)).isEqualTo(1);
        assertThat(stepState(job)).isEqualTo("DISPATCHED");
        assertThat(column("select dispatched_epoch from step where job_id = :j", job, Long.class)).hasValue(current);
    }

    @Test
    void aSilentNodesRunningStepIsLostAndReadyAgainAndItsJobUnowned() throws Exception {
        long epoch = cluster.holdLease("sched", LONG).orElseThrow();
        UUID incarnation = UUID.randomUUID();
        cluster.register("silent", incarnation, 4);
        cluster.register("alive", UUID.randomUUID(), 4);
        UUID job = submit("handed-over");
        dispatch.dispatch(List.of(new Dispatch(job, 0, "silent", "silent")), "sched", epoch);
        assertThat(execution.claim("silent", 1)).hasSize(1);
        jdbi.useHandle(h -> h.execute("update node set heartbeat_at = now() - interval '1 minute' where id = 'silent'"));

        assertThat(cluster.handOverSilentNodes("sched", epoch, Duration.ofSeconds(2))).containsExactly("silent");

        assertThat(stepState(job)).isEqualTo("READY");
        assertThat(column("select outcome from step_attempt where job_id = :j", job, String.class)).hasValue("LOST");
        assertThat(column("select owner_node from job where id = :j", job, String.class)).isEmpty();
        assertThat(cluster.heartbeat("silent", incarnation, 0)).as("a node declared dead learns it at its next beat").isFalse();
        assertThat(cluster.liveMembers(Duration.ofSeconds(2))).extracting(AppliedRing.LiveMember::id).containsExactly("alive");
        assertThat(cluster.handOverSilentNodes("sched", epoch, Duration.ofSeconds(2))).as("handed over once").isEmpty();
    }

    @Test
    void theRingEpochMovesOnlyWhenMembershipChanges() {
        long epoch = cluster.holdLease("sched", LONG).orElseThrow();
        long first = cluster.publishRing("sched", epoch, ring("a", "b"));
        assertThat(cluster.publishRing("sched", epoch, ring("a", "b"))).isEqualTo(first);
        assertThat(cluster.publishRing("sched", epoch, ring("a", "b", "c"))).isEqualTo(first + 1);
        assertThat(cluster.ringState().members()).containsExactly("a", "b", "c");
    }

    @Test
    void idleJobsOfAMemberLeavingTheRingAreUnownedButActiveOnesStay() {
        long epoch = cluster.holdLease("sched", LONG).orElseThrow();
        cluster.register("leaving", UUID.randomUUID(), 4);
        UUID idle = submit("idle");
        UUID busy = submit("busy");
        dispatch.dispatch(List.of(new Dispatch(idle, 0, "leaving", "leaving"), new Dispatch(busy, 0, "leaving", "leaving")), "sched", epoch);
        execution.releaseDispatched("leaving");
        dispatch.dispatch(List.of(new Dispatch(busy, 0, "leaving", "leaving")), "sched", epoch);

        assertThat(cluster.disownIdleJobs("sched", epoch, new TreeSet<>(List.of("other")))).isEqualTo(1);
        assertThat(cluster.activeJobsByOwner()).containsEntry("leaving", 1);
    }

    /**
     * A node whose pool is all taken (requests holding every other connection) still proves
     * itself alive, else its watchdog would stop its steps; a heartbeat connection that broke
     * is replaced at the next beat.
     */
    @Test
    void theHeartbeatKeepsAConnectionOfItsOwnAndReplacesOneThatBroke() throws Exception {
        try (AgroalDataSource pool = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(p -> p.maxSize(2).acquisitionTimeout(Duration.ofMillis(300))
                        .exceptionSorter(new PostgreSQLExceptionSorter()) // as Quarkus sets it: broken connections leave the pool
                        .connectionFactoryConfiguration(f -> f.jdbcUrl(db.jdbcUrl())
                                .principal(new NamePrincipal(EmbeddedDatabase.USER)))))) {
            ClusterStore store = new ClusterStore(Jdbi.create(pool));
            UUID incarnation = UUID.randomUUID();
            store.register("a", incarnation, 4);
            assertThat(store.heartbeat("a", incarnation, 1)).isTrue();
            List<Connection> requests = new ArrayList<>();
            try {
                assertThatThrownBy(() -> {
                    while (true) {
                        requests.add(pool.getConnection());
                    }
                }).as("requests hold all the pool hands out").isInstanceOf(SQLException.class);
                assertThat(store.heartbeat("a", incarnation, 2)).isTrue();
                assertThat(column("select jobs_finished from node where id = 'a' and :j is not null", incarnation, Long.class))
                        .contains(2L);
            } finally {
                for (Connection request : requests) {
                    request.close();
                }
            }
            jdbi.useHandle(h -> h.execute("""
                    select pg_terminate_backend(pid) from pg_stat_activity
                    where query like 'update node set heartbeat_at%' and pid <> pg_backend_pid()"""));
            assertThatThrownBy(() -> store.heartbeat("a", incarnation, 3)).as("its connection was ended");
            assertThat(store.heartbeat("a", incarnation, 4)).as("another from the pool").isTrue();
            store.closeHeartbeats();
        }
    }

    private static AppliedRing ring(String... members) {
        return AppliedRing.of(java.util.Arrays.stream(members).map(m -> new AppliedRing.LiveMember(m, 4, false)).toList(),
                Optional.empty());
    }

    private static String stepState(UUID job) {
        return column("select state from step where job_id = :j", job, String.class).orElseThrow();
    }

    private static <T> Optional<T> column(String sql, UUID job, Class<T> type) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind("j", job).mapTo(type).findOne());
    }
}
