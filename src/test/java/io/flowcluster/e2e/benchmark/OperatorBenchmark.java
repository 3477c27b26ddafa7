package io.flowcluster.e2e.benchmark;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.flowcluster.e2e.harness.BenchmarkReport;
import io.flowcluster.e2e.harness.OperatorHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator against the mock API server: time from applying a FlowCluster until every
 * object it owns exists, and from a pod's Ready change until the ring ConfigMap shows it.
 */
class OperatorBenchmark {

    private static final String NS = "bench";
    private static final int CLUSTERS = 10;
    private static final int READY_CHANGES = 20;
    private static final ResourceDefinitionContext FLOW_CLUSTERS = new ResourceDefinitionContext.Builder()
            .withGroup("flowcluster.io").withVersion("v1alpha1").withKind("FlowCluster").withPlural("flowclusters")
            .withNamespaced(true).build();

    @Test
    void operatorReactionTimes(@TempDir Path dir) throws Exception {
        KubernetesMockServer api = OperatorHarness.crudServer();
        try (KubernetesClient client = api.createClient()) {
            Process operator = OperatorHarness.startOperator(dir, api.url("/"), NS);
            try {
                create(client, "warm-up");
                await().atMost(Duration.ofSeconds(120)).until(() -> allOwned(client, "warm-up"));
                List<Double> applied = new ArrayList<>();
                for (int i = 0; i < CLUSTERS; i++) {
                    String name = "fc-" + i;
                    long start = System.nanoTime();
                    create(client, name);
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> allOwned(client, name));
                    applied.add((System.nanoTime() - start) / 1e6);
                }
                List<Double> ring = new ArrayList<>();
                for (int i = 0; i < READY_CHANGES; i++) {
                    boolean ready = i % 2 == 0;
                    long start = System.nanoTime();
                    pod(client, "fc-0-0", ready);
                    String expected = ready ? "fc-0-0" : "";
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
                        ConfigMap cm = client.configMaps().inNamespace(NS).withName("fc-0-ring").get();
                        return cm != null && expected.equals(cm.getData().get("members"));
                    });
                    ring.add((System.nanoTime() - start) / 1e6);
                }
                List<Double> a = applied.stream().sorted().toList();
                List<Double> r = ring.stream().sorted().toList();
                BenchmarkReport.table("Operator on the mock API server (milliseconds)", List.of("what", "runs", "p50", "p99", "max"),
                        List.of(List.of("FlowCluster applied -> all 14 owned objects exist", a.size(),
                                        BenchmarkReport.percentile(a, 50), BenchmarkReport.percentile(a, 99), a.get(a.size() - 1)),
                                List.of("pod Ready changed -> ring ConfigMap updated", r.size(),
                                        BenchmarkReport.percentile(r, 50), BenchmarkReport.percentile(r, 99), r.get(r.size() - 1))));
                Map<String, List<? extends Number>> series = new LinkedHashMap<>();
                series.put("applied -> all objects", applied);
                series.put("pod Ready change -> ring", ring.subList(0, CLUSTERS));
                BenchmarkReport.lines("operator", "Operator reaction times (mock API server)", "run", "ms",
                        IntStream.rangeClosed(1, CLUSTERS).boxed().toList(), series);
            } finally {
                OperatorHarness.stop(operator);
            }
        } finally {
            api.destroy();
        }
    }

    private static void create(KubernetesClient client, String name) {
        GenericKubernetesResource fc = new GenericKubernetesResource();
        fc.setApiVersion("flowcluster.io/v1alpha1");
        fc.setKind("FlowCluster");
        fc.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        fc.setAdditionalProperty("spec", Map.of("replicas", 3));
        client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(NS).resource(fc).create();
    }

    private static boolean allOwned(KubernetesClient client, String name) {
        List<HasMetadata> owned = new ArrayList<>(List.of());
        owned.add(get(client, StatefulSet.class, name));
        owned.add(get(client, StatefulSet.class, name + "-db"));
        owned.add(get(client, Service.class, name));
        owned.add(get(client, Service.class, name + "-nodes"));
        owned.add(get(client, Service.class, name + "-db"));
        owned.add(get(client, ConfigMap.class, name + "-config"));
        owned.add(get(client, ConfigMap.class, name + "-scheduler-state"));
        owned.add(get(client, Secret.class, name + "-api-token"));
        owned.add(get(client, Secret.class, name + "-db"));
        owned.add(get(client, ServiceAccount.class, name));
        owned.add(get(client, Role.class, name));
        owned.add(get(client, RoleBinding.class, name));
        owned.add(get(client, PodDisruptionBudget.class, name));
        owned.add(get(client, Lease.class, name + "-scheduler"));
        return owned.stream().allMatch(o -> o != null);
    }

    private static <T extends HasMetadata> T get(KubernetesClient client, Class<T> type, String name) {
        return client.resources(type).inNamespace(NS).withName(name).get();
    }

    private static void pod(KubernetesClient client, String name, boolean ready) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .withLabels(Map.of("app.kubernetes.io/name", "flowcluster", "app.kubernetes.io/instance", "fc-0",
                        "app.kubernetes.io/component", "server", "app.kubernetes.io/managed-by", "flowcluster-operator"))
                .endMetadata()
                .withNewStatus().withConditions(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build())
                .endStatus().build();
        client.resource(pod).createOr(p -> p.update());
    }
}
