package io.flowcluster.e2e.kubernetes;

import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowcluster.e2e.harness.ControlPlane;
import io.flowcluster.e2e.harness.Kubelet;
import io.flowcluster.e2e.harness.OperatorHarness;
import io.flowcluster.e2e.harness.Repository;
import io.flowcluster.e2e.harness.ServerProcess;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The user's whole path on a whole control plane (kube-apiserver and kube-controller-manager:
 * the StatefulSet controller makes the pods, the garbage collector removes what a deleted
 * FlowCluster owned), installed with Helm or with {@code kubectl apply -f manifests/install.yaml},
 * the operator and the servers each under their own ServiceAccount; the test plays only the
 * kubelet. A FlowCluster gets Ready, its scheduler is killed, it scales 3 to 2 to 4, its image
 * changes (a rolling update, one pod at a time), it is deleted: every job finishes, no step
 * goes to a leaving node, and nothing it owned is left.
 */
class WholeControlPlaneTest {

    private static final String NS = "flow";

    @ParameterizedTest
    @ValueSource(strings = {"helm", "kubectl"})
    void aFlowClusterLivesThroughACrashScalingAnUpgradeAndItsDeletion(String installer, @TempDir Path dir) throws Exception {
        try (ControlPlane k8s = ControlPlane.startOrSkip(dir); EmbeddedDatabase db = EmbeddedDatabase.startTemporary()) {
            KubernetesClient client = k8s.admin();
            if (installer.equals("helm")) {
                new Helm(Repository.CHART).install().withName("flowcluster-operator").withNamespace(Repository.NAMESPACE).createNamespace()
                        .withKubeConfig(k8s.kubeconfig()).call();
            } else {
                InstallOnRealApiServerTest.kubectl(k8s.kubectl(), k8s.kubeconfig(), "apply", "-f", Repository.INSTALL.toAbsolutePath().toString());
            }
            InstallOnRealApiServerTest.kubectl(k8s.kubectl(), k8s.kubeconfig(), "create", "namespace", NS);
            // supervised, as its Deployment keeps it: this scenario runs for minutes on a loaded machine
            OperatorHarness.Supervised operator = OperatorHarness.superviseOperatorAs(dir, k8s.url(),
                    k8s.token(Repository.NAMESPACE, "flowcluster-operator"), Repository.NAMESPACE, "JOSDK_ALL_NAMESPACES");
            FlowClusterScenario flow = new FlowClusterScenario(client, NS, db);
            flow.create(3);
            flow.awaitStatefulSet();
            try (Kubelet kubelet = new Kubelet(client, NS, FlowClusterScenario.NAME, dir, FlowClusterScenario.nodeSettings(k8s.url()),
                    sa -> k8s.token(NS, sa), false)) {
                flow.awaitReady("flow-0,flow-1,flow-2");
                flow.schedulerDiesAndEveryJobFinishes(kubelet);
                flow.scaleDownNeverDispatchesToTheLeavingNode(kubelet);

                flow.setSpec("replicas", 4);
                flow.awaitReady("flow-0,flow-1,flow-2,flow-3");

                ServerProcess any = kubelet.process("flow-0");
                List<String> jobs = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    jobs.add(flow.submit(any, """
                            {"name": "upgrade-%d", "steps": [{"name": "a", "shell": "sleep 1"}, {"name": "b", "kind": "noop", "dependsOn": ["a"]}]}"""
                            .formatted(i)));
                }
                flow.setSpec("image", "flowcluster/flowcluster-server:0.1.1");
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        client.pods().inNamespace(NS).withLabel("app.kubernetes.io/component", "server").list().getItems().stream()
                                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                                .filter(p -> p.getSpec().getContainers().get(0).getImage().endsWith(":0.1.1")).count() == 4);
                flow.awaitReady("flow-0,flow-1,flow-2,flow-3");
                flow.awaitSucceeded(kubelet.process("flow-0"), jobs);
                flow.nobodyWasForbidden(dir, kubelet, List.of("flow-0", "flow-1", "flow-2", "flow-3"));

                flow.delete();
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> owned(client).isEmpty());
            } finally {
                operator.close();
                if (operator.restarts() > 0) {
                    System.out.printf("[operator] started again %d time(s) after losing its leader election%n", operator.restarts());
                }
            }
        } finally {
            FlowClusterScenario.keepLogs(dir, "control-plane-" + installer + "-logs");
        }
    }

    /** What still carries the FlowCluster's instance label, of every kind it creates. */
    private static List<String> owned(KubernetesClient client) {
        Map<String, String> label = Map.of("app.kubernetes.io/instance", FlowClusterScenario.NAME);
        return Stream.of(
                        client.apps().statefulSets().inNamespace(NS).withLabels(label).list().getItems(),
                        client.pods().inNamespace(NS).withLabels(label).list().getItems(),
                        client.services().inNamespace(NS).withLabels(label).list().getItems(),
                        client.configMaps().inNamespace(NS).withLabels(label).list().getItems(),
                        client.secrets().inNamespace(NS).withLabels(label).list().getItems(),
                        client.serviceAccounts().inNamespace(NS).withLabels(label).list().getItems(),
                        client.rbac().roles().inNamespace(NS).withLabels(label).list().getItems(),
                        client.rbac().roleBindings().inNamespace(NS).withLabels(label).list().getItems(),
                        client.policy().v1().podDisruptionBudget().inNamespace(NS).withLabels(label).list().getItems(),
                        client.leases().inNamespace(NS).withLabels(label).list().getItems())
                .flatMap(List::stream).map(r -> ((HasMetadata) r).getKind() + "/" + ((HasMetadata) r).getMetadata().getName()).toList();
    }
}
