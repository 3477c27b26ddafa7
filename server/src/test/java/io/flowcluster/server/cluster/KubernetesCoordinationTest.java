package io.flowcluster.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flowcluster.contract.CoordinationNames;
import io.flowcluster.contract.DesiredRing;
import io.flowcluster.contract.SchedulerState;
import io.flowcluster.server.TestDatabase;
import io.flowcluster.server.ring.AppliedRing.LiveMember;
import io.flowcluster.server.ring.AppliedRing;
import io.flowcluster.server.ring.HashRing;
import io.flowcluster.server.store.ClusterStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kubernetes} coordination against the Fabric8 mock API server in CRUD mode, with the
 * database lease on a real PostgreSQL: the Lease contest, the ring ConfigMap, the published state.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesCoordinationTest {

    private static final String NS = "flow";
    private static final String LEASE = CoordinationNames.schedulerLease("fc");
    private static final Duration DURATION = Duration.ofSeconds(1);

    static KubernetesClient client;
    private static TestDatabase db;
    private static ClusterStore store;

    @BeforeAll
    static void database() {
        db = new TestDatabase();
        store = new ClusterStore(db.jdbi());
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void fresh() {
        client.leases().inNamespace(NS).withName(LEASE).delete();
        db.jdbi().useHandle(h -> h.execute("update scheduler_lease set holder = null, epoch = 0, expires_at = null"));
    }

    @Test
    void twoNodesCompeteForTheLeaseAndTheSurvivorTakesOver() {
        SchedulerLease a = lease("node-a");
        SchedulerLease b = lease("node-b");

        long first = a.holdOrTake().orElseThrow();
        assertThat(b.holdOrTake()).as("held by node-a").isEmpty();
        assertThat(a.holdOrTake()).as("renewed, same epoch").hasValue(first);
        assertThat(holder()).isEqualTo("node-a");

        // node-a dies: it stops renewing, and node-b takes over once the Lease expired
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> b.holdOrTake().isPresent());
        long second = b.holdOrTake().orElseThrow();
        assertThat(second).as("the takeover moved the fencing epoch").isGreaterThan(first);
        Lease lease = client.leases().inNamespace(NS).withName(LEASE).get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("node-b");
        assertThat(lease.getSpec().getLeaseTransitions()).isEqualTo(1);
        assertThat(store.leaseHolder().holder()).isEqualTo("node-b");

        assertThat(a.holdOrTake()).as("node-a coming back finds it taken").isEmpty();
    }

    @Test
    void releasingHandsTheLeaseOverAtOnce() {
        SchedulerLease a = lease("node-a");
        SchedulerLease b = lease("node-b");
        long first = a.holdOrTake().orElseThrow();
        a.release();
        assertThat(b.holdOrTake().orElseThrow()).isGreaterThan(first);
        assertThat(holder()).isEqualTo("node-b");
    }

    @Test
    void aRingConfigMapChangeReshufflesOnlyTheJobsOfTheMemberThatLeft() {
        String name = CoordinationNames.ring("fc");
        writeRing(name, new DesiredRing(1, Set.of("node-a", "node-b", "node-c"), Set.of()));
        List<LiveMember> live = List.of(new LiveMember("node-a", 4, false), new LiveMember("node-b", 4, false),
                new LiveMember("node-c", 4, false));
        try (KubernetesRingSource source = new KubernetesRingSource(client, NS, name)) {
            AtomicInteger changes = new AtomicInteger();
            source.onChange(changes::incrementAndGet);
            await().atMost(Duration.ofSeconds(5)).until(() -> source.desired().isPresent());
            HashRing before = new HashRing(AppliedRing.of(live, source.desired()).eligible(), 64);

            writeRing(name, new DesiredRing(2, Set.of("node-a", "node-b", "node-c"), Set.of("node-c")));
            await().atMost(Duration.ofSeconds(5)).until(() -> source.desired().map(DesiredRing::epoch).orElse(0L) == 2);
            AppliedRing applied = AppliedRing.of(live, source.desired());
            HashRing after = new HashRing(applied.eligible(), 64);

            assertThat(changes.get()).isPositive();
            assertThat(applied.draining()).containsExactly("node-c");
            int moved = 0;
            for (int i = 0; i < 600; i++) {
                String job = "job-" + i;
                if (!before.owner(job).equals(after.owner(job))) {
                    assertThat(before.owner(job)).as("only node-c's jobs move").isEqualTo("node-c");
                    moved++;
                }
            }
            assertThat(moved).isBetween(100, 300);
        }
    }

    @Test
    void theSchedulerStateIsWrittenWhenItChanges() throws Exception {
        String name = CoordinationNames.schedulerState("fc");
        KubernetesStatePublisher publisher = new KubernetesStatePublisher(client, NS, name, "fc", Duration.ZERO);
        SchedulerState state = new SchedulerState("node-a", 3, 7, 2L,
                List.of(new SchedulerState.Member("node-a", false, false, 5, 2)));

        publisher.publish(state);
        ConfigMap written = client.configMaps().inNamespace(NS).withName(name).get();
        assertThat(new ObjectMapper().readTree(written.getData().get(SchedulerState.KEY)).get("ringEpoch").asLong()).isEqualTo(7);
        publisher.publish(state);
        assertThat(client.configMaps().inNamespace(NS).withName(name).get().getMetadata().getResourceVersion())
                .as("no write when nothing changed").isEqualTo(written.getMetadata().getResourceVersion());

        publisher.publish(new SchedulerState("node-a", 3, 8, 2L, List.of()));
        assertThat(client.configMaps().inNamespace(NS).withName(name).get().getData().get(SchedulerState.KEY))
                .contains("\"ringEpoch\":8");
    }

    private static SchedulerLease lease(String node) {
        return new KubernetesSchedulerLease(client, NS, LEASE, node, DURATION, store);
    }

    private static String holder() {
        return client.leases().inNamespace(NS).withName(LEASE).get().getSpec().getHolderIdentity();
    }

    private static void writeRing(String name, DesiredRing ring) {
        Map<String, String> data = new HashMap<>(ring.toData());
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata().withData(data).build()).createOr(c -> c.update());
    }
}
