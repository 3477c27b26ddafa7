package io.flowcluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
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
 * ({@code kubernetes} coordination) against a real API server (RBAC on), the operator as the
 * ServiceAccount the chart installs and every server as the FlowCluster's own ServiceAccount,
 * the test playing the StatefulSet controller and the kubelet. A FlowCluster is applied, jobs
 * run, the scheduler's node is killed: the ring reshuffles, the Lease moves, every job
 * finishes; then it scales 3 to 2, and no step is dispatched to the leaving node once it drained.
 */
class OperatorEndToEndTest {

    private static final String NS = "e2e";
    private static final ResourceDefinitionContext FLOW_CLUSTERS = new ResourceDefinitionContext.Builder()
            .withGroup("flowcluster.io").withVersion("v1alpha1").withKind("FlowCluster").withPlural("flowclusters")
            .withNamespaced(true).build();

    @Test
    void anAppliedFlowClusterRunsJobsAndSurvivesItsSchedulerDying(@TempDir Path dir) throws Exception {
        try (RealApiServer api = RealApiServer.startOrSkip(); EmbeddedDatabase db = EmbeddedDatabase.startTemporary()) {
            KubernetesClient client = api.admin();
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, api.adminKubeconfig());
            api.createNamespace(NS);
            new Helm(ChartTest.CHART).install().withName("flowcluster-operator").withNamespace(ChartTest.NAMESPACE).createNamespace()
                    .set("watchNamespaces[0]", NS).withKubeConfig(kubeconfig).call();
            client.resource(new SecretBuilder().withNewMetadata().withName("flow-postgres").withNamespace(NS).endMetadata()
                    .withStringData(Map.of("url", db.jdbcUrl(), "user", EmbeddedDatabase.USER, "password", "")).build()).create();
            Process operator = OperatorHarness.startOperatorAs(dir, api.url(), api.token(ChartTest.NAMESPACE, "flowcluster-operator"),
                    ChartTest.NAMESPACE, NS);
            client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(NS).resource(flowCluster()).create();
            // the servers act as the ServiceAccount the operator made for them (the kubelet asks for its
            // token), under the Role it made
            await().atMost(Duration.ofSeconds(60)).until(() -> client.apps().statefulSets().inNamespace(NS).withName("flow").get() != null);
            Map<String, String> node = new HashMap<>();
            node.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", api.url());
            node.put("QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS", "true");
            node.put("QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "8");
            try (Kubelet kubelet = new Kubelet(client, NS, "flow", dir, node, sa -> api.token(NS, sa), true)) {

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

                scaleDownNeverDispatchesToTheLeavingNode(client, db, kubelet);
                assertThat(Files.readString(dir.resolve("operator.log"))).doesNotContain("Forbidden").doesNotContain("is forbidden");
                for (String pod : List.of("flow-0", "flow-1")) {
                    assertThat(kubelet.process(pod).output()).as("%s's log", pod).doesNotContain("Forbidden").doesNotContain("is forbidden");
                }
            } finally {
                OperatorHarness.stop(operator);
            }
        } finally {
            keepLogs(dir);
        }
    }

    /**
     * 3 to 2 while jobs keep coming: flow-2 drains, then leaves the ring before its pod goes;
     * from the moment the scheduler saw it draining, no attempt starts there.
     */
    private static void scaleDownNeverDispatchesToTheLeavingNode(KubernetesClient client, EmbeddedDatabase db, Kubelet kubelet)
            throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> kubelet.process("flow-2") != null && kubelet.process("flow-2").isAlive());
        await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(condition(flowCluster(client), "Ready")));
        ServerProcess any = kubelet.process("flow-0");
        client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(NS).withName("flow")
                .edit(fc -> {
                    ((Map<String, Object>) fc.getAdditionalProperties().get("spec")).put("replicas", 2);
                    return fc;
                });
        await().atMost(Duration.ofSeconds(30)).until(() -> ring(client).getOrDefault("draining", "").contains("flow-2"));
        java.time.Instant draining = java.time.Instant.now();
        List<String> jobs = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (client.apps().statefulSets().inNamespace(NS).withName("flow").get().getSpec().getReplicas() > 2
                && System.nanoTime() < deadline) {
            var r = any.post("/api/v1/jobs", """
                    {"name": "scale", "steps": [{"name": "a", "shell": "sleep 0.2"}]}""");
            assertThat(r.statusCode()).isEqualTo(201);
            jobs.add(TestCluster.JSON.readTree(r.body()).get("id").asText());
            Thread.sleep(200);
        }
        assertThat(client.apps().statefulSets().inNamespace(NS).withName("flow").get().getSpec().getReplicas()).isEqualTo(2);
        assertThat(ring(client).get("members")).isEqualTo("flow-0,flow-1");
        for (int i = 0; i < 10; i++) { // and after it left: the ring no longer has it
            jobs.add(TestCluster.JSON.readTree(any.post("/api/v1/jobs", """
                    {"name": "after-scale", "steps": [{"name": "a", "kind": "noop"}]}""").body()).get("id").asText());
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> jobs.stream()
                .allMatch(id -> "SUCCEEDED".equals(job(any, id).path("state").asText())));
        try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, "");
             var st = c.prepareStatement("select count(*) from step_attempt where node = 'flow-2' and started_at > ?")) {
            st.setTimestamp(1, java.sql.Timestamp.from(draining.plusSeconds(2)));
            try (var rs = st.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("attempts started on flow-2 after it was draining").isZero();
            }
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
