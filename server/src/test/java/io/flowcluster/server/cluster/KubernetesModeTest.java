package io.flowcluster.server.cluster;

import static io.flowcluster.server.FlowApi.api;
import static io.flowcluster.server.FlowApi.awaitState;
import static io.flowcluster.server.FlowApi.job;
import static io.flowcluster.server.FlowApi.noopJob;
import static io.flowcluster.server.FlowApi.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowcluster.contract.DesiredRing;
import io.flowcluster.contract.SchedulerState;
import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A node with {@code kubernetes} coordination against the Fabric8 mock API server: it holds
 * the Lease, follows the operator's ring ConfigMap, and publishes its state for the operator.
 */
@QuarkusTest
@TestProfile(KubernetesModeTest.KubernetesCoordination.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(EmbeddedPostgresResource.class)
class KubernetesModeTest {

    private static final String NS = "flow-test";

    public static class KubernetesCoordination implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("flow.coordination", "kubernetes", "flow.cluster.namespace", NS, "flow.cluster.name", "fc");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void theNodeHoldsTheLeaseFollowsTheRingAndPublishesWhatItApplied() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Lease lease = client.leases().inNamespace(NS).withName("fc-scheduler").get();
            return lease != null && "test-node".equals(lease.getSpec().getHolderIdentity());
        });

        writeRing(new DesiredRing(1, Set.of("test-node"), Set.of()));
        awaitState(submit(noopJob("in-the-ring", 0)), "SUCCEEDED");

        writeRing(new DesiredRing(2, Set.of("test-node"), Set.of("test-node")));
        await().atMost(Duration.ofSeconds(10)).until(() -> api().get("/api/v1/cluster").jsonPath()
                .getList("ring.draining").contains("test-node"));
        UUID held = submit(noopJob("while-draining", 0));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> job(held).getString("state").equals("PENDING"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode state = publishedState();
            assertThat(state.get("desiredEpoch").asLong()).isEqualTo(2);
            assertThat(state.get("members").get(0).get("draining").asBoolean()).isTrue();
        });

        writeRing(new DesiredRing(3, Set.of("test-node"), Set.of()));
        awaitState(held, "SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode state = publishedState();
            assertThat(state.get("scheduler").asText()).isEqualTo("test-node");
            assertThat(state.get("desiredEpoch").asLong()).isEqualTo(3);
            assertThat(state.get("members").get(0).get("id").asText()).isEqualTo("test-node");
        });
    }

    private JsonNode publishedState() throws Exception {
        ConfigMap cm = client.configMaps().inNamespace(NS).withName("fc-scheduler-state").get();
        assertThat(cm).as("the scheduler-state ConfigMap").isNotNull();
        return new ObjectMapper().readTree(cm.getData().get(SchedulerState.KEY));
    }

    private void writeRing(DesiredRing ring) {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("fc-ring").withNamespace(NS).endMetadata()
                .withData(ring.toData()).build()).createOr(c -> c.update());
    }
}
