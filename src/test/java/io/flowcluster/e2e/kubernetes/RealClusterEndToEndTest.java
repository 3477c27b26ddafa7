package io.flowcluster.e2e.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.flowcluster.e2e.harness.Repository;
import io.flowcluster.e2e.harness.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The operator scenario on a real cluster, installed through the Helm chart: a FlowCluster
 * becomes Ready, runs jobs, and survives the deletion of its scheduler's pod. It needs a
 * cluster that can pull the flowcluster images (see the README's "Images"): it runs when
 * {@code FLOWCLUSTER_E2E_KUBECONFIG} names a kubeconfig, and is skipped, saying so, otherwise.
 * It installs into the namespaces flowcluster-system and flowcluster-e2e and removes them after.
 */
class RealClusterEndToEndTest {

    private static final String OPERATOR_NS = "flowcluster-system";
    private static final String NS = "flowcluster-e2e";
    private static final ResourceDefinitionContext FLOW_CLUSTERS = new ResourceDefinitionContext.Builder()
            .withGroup("flowcluster.io").withVersion("v1alpha1").withKind("FlowCluster").withPlural("flowclusters")
            .withNamespaced(true).build();

    @Test
    void aFlowClusterInstalledWithTheChartRunsJobsAndSurvivesItsSchedulerPodDying() throws Exception {
        String kubeconfig = System.getenv("FLOWCLUSTER_E2E_KUBECONFIG");
        Assumptions.assumeTrue(kubeconfig != null && Files.exists(Path.of(kubeconfig)),
                "no real cluster: set FLOWCLUSTER_E2E_KUBECONFIG to a kubeconfig whose cluster can pull the "
                        + "flowcluster images to run this test (there is no container engine here for K3s)");
        Path config = Path.of(kubeconfig);
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(config))).build()) {
            new Helm(Repository.CHART).install().withName("flowcluster-operator").withNamespace(OPERATOR_NS)
                    .createNamespace().withKubeConfig(config).waitReady().withTimeout(300).call();
            try {
                client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                        .withNewMetadata().withName(NS).endMetadata().build()).createOr(n -> n.update());
                GenericKubernetesResource fc = new GenericKubernetesResource();
                fc.setApiVersion("flowcluster.io/v1alpha1");
                fc.setKind("FlowCluster");
                fc.setMetadata(new ObjectMetaBuilder().withName("flow").withNamespace(NS).build());
                fc.setAdditionalProperty("spec", Map.of("replicas", 3));
                client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(NS).resource(fc).create();

                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2)).until(() -> ready(client));
                String token = new String(Base64.getDecoder().decode(client.secrets().inNamespace(NS)
                        .withName("flow-api-token").get().getData().get("token")), StandardCharsets.UTF_8);
                String leader = client.leases().inNamespace(NS).withName("flow-scheduler").get().getSpec().getHolderIdentity();
                String other = "flow-0".equals(leader) ? "flow-1" : "flow-0";
                try (LocalPortForward forward = client.pods().inNamespace(NS).withName(other).portForward(8080)) {
                    String base = "http://localhost:" + forward.getLocalPort();
                    List<String> jobs = new ArrayList<>();
                    for (int i = 0; i < 6; i++) {
                        HttpResponse<String> r = send(base, token, "POST", "/api/v1/jobs", """
                                {"name": "real-%d", "steps": [{"name": "a", "shell": "sleep 2"}]}""".formatted(i));
                        assertThat(r.statusCode()).isEqualTo(201);
                        jobs.add(TestCluster.JSON.readTree(r.body()).get("id").asText());
                    }
                    client.pods().inNamespace(NS).withName(leader).withGracePeriod(0).delete();
                    await().atMost(Duration.ofMinutes(2)).until(() -> {
                        Lease lease = client.leases().inNamespace(NS).withName("flow-scheduler").get();
                        return !leader.equals(lease.getSpec().getHolderIdentity());
                    });
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                        for (String id : jobs) {
                            String state = TestCluster.JSON.readTree(send(base, token, "GET", "/api/v1/jobs/" + id, null).body())
                                    .path("state").asText();
                            if (!state.equals("SUCCEEDED")) {
                                return false;
                            }
                        }
                        return true;
                    });
                }
            } finally {
                client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(NS).withName("flow").delete();
                client.namespaces().withName(NS).delete();
                Helm.uninstall("flowcluster-operator").withNamespace(OPERATOR_NS).withKubeConfig(config).call();
            }
        }
    }

    private static boolean ready(KubernetesClient client) {
        GenericKubernetesResource fc = client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(NS).withName("flow").get();
        Object status = fc == null ? null : fc.getAdditionalProperties().get("status");
        return status != null && readyCondition(TestCluster.JSON.valueToTree(status));
    }

    private static boolean readyCondition(com.fasterxml.jackson.databind.JsonNode status) {
        for (com.fasterxml.jackson.databind.JsonNode c : status.path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }

    private static HttpResponse<String> send(String base, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10));
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
