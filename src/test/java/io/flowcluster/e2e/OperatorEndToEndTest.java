package io.flowcluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop with no container engine: the operator and server nodes as real processes
 * ({@code kubernetes} coordination) against the Fabric8 mock API server, the test playing the
 * StatefulSet controller and the kubelet. A FlowCluster is applied, jobs run, the scheduler's
 * node is killed: the ring reshuffles, the Lease moves, every job finishes.
 */
class OperatorEndToEndTest {

    private static final String NS = "e2e";
    private static final ResourceDefinitionContext FLOW_CLUSTERS = new ResourceDefinitionContext.Builder()
            .withGroup("flowcluster.io").withVersion("v1alpha1").withKind("FlowCluster").withPlural("flowclusters")
            .withNamespaced(true).build();

    @Test
    void anAppliedFlowClusterRunsJobsAndSurvivesItsSchedulerDying(@TempDir Path dir) throws Exception {
        KubernetesMockServer api = OperatorHarness.crudServer();
        try (EmbeddedDatabase db = EmbeddedDatabase.startTemporary(); KubernetesClient client = api.createClient()) {
            String apiUrl = api.url("/");
            client.resource(new SecretBuilder().withNewMetadata().withName("flow-postgres").withNamespace(NS).endMetadata()
                    .withStringData(Map.of("url", db.jdbcUrl(), "user", EmbeddedDatabase.USER, "password", "")).build()).create();
            Process operator = OperatorHarness.startOperator(dir, apiUrl, NS);
            Map<String, String> node = new HashMap<>();
            node.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiUrl);
            node.put("QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS", "true");
            node.put("QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "8");
            try (Kubelet kubelet = new Kubelet(client, NS, "flow", dir, node)) {
                client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(NS).resource(flowCluster()).create();

                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> "True".equals(condition(flowCluster(client), "Ready")));
                assertThat(ring(client).get("members")).isEqualTo("flow-0,flow-1,flow-2");
                String leader = leader(client);
                long epoch = Long.parseLong(ring(client).get("epoch"));

                ServerProcess any = kubelet.process("flow-0".equals(leader) ? "flow-1" : "flow-0");
                List<String> jobs = new ArrayList<>();
                for (int i = 0; i < 9; i++) {
                    var r = any.post("/api/v1/jobs", """
                            {"name": "e2e-%d", "steps": [{"name": "a", "shell": "sleep 1"},
                              {"name": "b", "shell": "sleep 1", "dependsOn": ["a"]}]}""".formatted(i));
                    assertThat(r.statusCode()).isEqualTo(201);
                    jobs.add(TestCluster.JSON.readTree(r.body()).get("id").asText());
                }

                kubelet.process(leader).killHard();

                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> !ring(client).get("members").contains(leader));
                assertThat(Long.parseLong(ring(client).get("epoch"))).isGreaterThan(epoch);
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    String now = leader(client);
                    return now != null && !now.equals(leader);
                });
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> jobs.stream()
                        .allMatch(id -> "SUCCEEDED".equals(job(any, id).path("state").asText())));
                await().atMost(Duration.ofSeconds(30)).until(() -> !leader.equals(flowCluster(client).at("/status/scheduler/leader").asText()));
            } finally {
                OperatorHarness.stop(operator);
            }
        } finally {
            api.destroy();
            keepLogs(dir);
        }
    }

    /** The processes' logs outlive the temporary directory, for reading after a failure. */
    private static void keepLogs(Path dir) throws IOException {
        Path logs = Files.createDirectories(Path.of("../../target/e2e/operator-e2e-logs"));
        try (var files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(log, logs.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static GenericKubernetesResource flowCluster() {
        GenericKubernetesResource fc = new GenericKubernetesResource();
        fc.setApiVersion("flowcluster.io/v1alpha1");
        fc.setKind("FlowCluster");
        fc.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("flow").withNamespace(NS).build());
        fc.setAdditionalProperty("spec", Map.of("replicas", 3,
                "database", Map.of("external", Map.of("secretRef", Map.of("name", "flow-postgres")))));
        return fc;
    }

    private static JsonNode flowCluster(KubernetesClient client) {
        return TestCluster.JSON.valueToTree(client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(NS).withName("flow").get());
    }

    private static String condition(JsonNode fc, String type) {
        for (JsonNode c : fc.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c.path("status").asText();
            }
        }
        return null;
    }

    private static Map<String, String> ring(KubernetesClient client) {
        ConfigMap cm = client.configMaps().inNamespace(NS).withName("flow-ring").get();
        return cm == null ? Map.of("members", "", "epoch", "0") : cm.getData();
    }

    private static String leader(KubernetesClient client) {
        Lease lease = client.leases().inNamespace(NS).withName("flow-scheduler").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static JsonNode job(ServerProcess node, String id) {
        try {
            return TestCluster.JSON.readTree(node.get("/api/v1/jobs/" + id).body());
        } catch (IOException e) {
            return TestCluster.JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return TestCluster.JSON.createObjectNode();
        }
    }
}
