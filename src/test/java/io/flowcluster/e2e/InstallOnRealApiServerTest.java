package io.flowcluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.flowcluster.operator.crd.FlowCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's install paths on a real API server, RBAC on: the chart installed with Helm,
 * or manifests/install.yaml applied with kubectl; then the operator runs as the
 * ServiceAccount they create, with leader election as in its pod, and a FlowCluster from
 * manifests/examples gets its objects and its status. A verb the RBAC lacks fails here.
 */
class InstallOnRealApiServerTest {

    private static final String OPERATOR_NS = ChartTest.NAMESPACE;
    private static final String OPERATOR_SA = "flowcluster-operator";

    @ParameterizedTest
    @ValueSource(strings = {"helm", "kubectl"})
    void theOperatorRunsUnderTheRbacItShipsWith(String installer, @TempDir Path dir) throws Exception {
        try (RealApiServer api = RealApiServer.startOrSkip()) {
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, api.adminKubeconfig());
            if (installer.equals("helm")) {
                new Helm(ChartTest.CHART).install().withName("flowcluster-operator").withNamespace(OPERATOR_NS).createNamespace()
                        .withKubeConfig(kubeconfig).call();
            } else {
                kubectl(api, kubeconfig, "apply", "-f", ChartTest.INSTALL.toAbsolutePath().toString());
            }
            api.createNamespace("flow");
            Process operator = OperatorHarness.startOperatorAs(dir, api.url(), api.token(OPERATOR_NS, OPERATOR_SA), OPERATOR_NS,
                    "JOSDK_ALL_NAMESPACES");
            try {
                kubectl(api, kubeconfig, "apply", "-n", "flow", "-f",
                        ChartTest.ROOT.resolve("manifests/examples/minimal.yaml").toAbsolutePath().toString());
                var client = api.admin();
                await().atMost(Duration.ofSeconds(60)).until(() -> client.apps().statefulSets().inNamespace("flow").withName("flow").get() != null);
                StatefulSet sts = client.apps().statefulSets().inNamespace("flow").withName("flow").get();
                assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
                assertThat(client.rbac().roles().inNamespace("flow").withName("flow").get()).extracting(Role::getRules).asList().isNotEmpty();
                await().atMost(Duration.ofSeconds(30)).until(() -> conditions(api).stream().anyMatch(c -> c.getType().equals("Progressing")));
                // leader election renews its Lease every few seconds: a missing verb stops the operator within ~10 s
                Thread.sleep(15_000);
                assertThat(operator.isAlive()).as("the operator still runs; its log:%n%s", log(dir)).isTrue();
                assertThat(log(dir)).doesNotContain("Forbidden").doesNotContain("is forbidden").doesNotContain("stopped leading");
                assertThat(client.leases().inNamespace(OPERATOR_NS).withName("flowcluster-operator").get().getSpec().getHolderIdentity())
                        .isNotBlank();
            } finally {
                OperatorHarness.stop(operator);
            }
        }
    }

    private static List<Condition> conditions(RealApiServer api) {
        FlowCluster fc = api.admin().resources(FlowCluster.class).inNamespace("flow").withName("flow").get();
        return fc == null || fc.getStatus() == null || fc.getStatus().conditions == null ? List.of() : fc.getStatus().conditions;
    }

    private static String log(Path dir) throws IOException {
        return Files.readString(dir.resolve("operator.log"));
    }

    static void kubectl(RealApiServer api, Path kubeconfig, String... args) throws IOException, InterruptedException {
        kubectl(api.kubectl(), kubeconfig, args);
    }

    static void kubectl(Path kubectl, Path kubeconfig, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl %s: %s", String.join(" ", args), out).isZero();
    }
}
