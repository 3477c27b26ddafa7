package io.flowcluster.e2e.kubernetes;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowcluster.e2e.harness.Kubelet;
import io.flowcluster.e2e.harness.OperatorHarness;
import io.flowcluster.e2e.harness.RealApiServer;
import io.flowcluster.e2e.harness.Repository;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop with no container engine: the operator and server nodes as real processes
 * ({@code kubernetes} coordination) against a real API server (RBAC on), the operator as the
 * ServiceAccount the chart installs and every server as the FlowCluster's own ServiceAccount,
 * the test playing the StatefulSet controller and the kubelet. A FlowCluster is applied; its
 * owned objects stay as declared (one deleted comes back, a narrowed Role is taken back); jobs
 * run, the scheduler's node is killed: the ring reshuffles, the Lease moves, every job
 * finishes; then it scales 3 to 2, and no step is dispatched to the leaving node once it drained.
 */
class OperatorEndToEndTest {

    private static final String NS = "e2e";

    @Test
    void anAppliedFlowClusterRunsJobsAndSurvivesItsSchedulerDying(@TempDir Path dir) throws Exception {
        try (RealApiServer api = RealApiServer.startOrSkip(); EmbeddedDatabase db = EmbeddedDatabase.startTemporary()) {
            KubernetesClient client = api.admin();
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, api.adminKubeconfig());
            api.createNamespace(NS);
            new Helm(Repository.CHART).install().withName("flowcluster-operator").withNamespace(Repository.NAMESPACE).createNamespace()
                    .set("watchNamespaces[0]", NS).withKubeConfig(kubeconfig).call();
            Process operator = OperatorHarness.startOperatorAs(dir, api.url(), api.token(Repository.NAMESPACE, "flowcluster-operator"),
                    Repository.NAMESPACE, NS);
            FlowClusterScenario flow = new FlowClusterScenario(client, NS, db);
            flow.create(3);
            flow.awaitStatefulSet();
            // the servers act as the ServiceAccount the operator made for them (the kubelet asks for its
            // token), under the Role it made
            try (Kubelet kubelet = new Kubelet(client, NS, FlowClusterScenario.NAME, dir, FlowClusterScenario.nodeSettings(api.url()),
                    sa -> api.token(NS, sa), true)) {
                flow.awaitReady("flow-0,flow-1,flow-2");
                flow.ownedObjectsStayAsDeclared();
                flow.schedulerDiesAndEveryJobFinishes(kubelet);
                flow.scaleDownNeverDispatchesToTheLeavingNode(kubelet);
                flow.nobodyWasForbidden(dir, kubelet, List.of("flow-0", "flow-1"));
            } finally {
                OperatorHarness.stop(operator);
            }
        } finally {
            FlowClusterScenario.keepLogs(dir, "operator-e2e-logs");
        }
    }
}
