package io.flowcluster.e2e.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.flowcluster.e2e.harness.ArgoHealth;
import io.flowcluster.e2e.harness.OperatorHarness;
import io.flowcluster.e2e.harness.RealApiServer;
import io.flowcluster.e2e.harness.Repository;
import io.flowcluster.e2e.harness.TestCluster;
import io.flowcluster.operator.crd.FlowCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's install paths on a real API server, RBAC on: the chart installed with Helm,
 * manifests/install.yaml applied with kubectl, or what Argo CD's Application does (the chart
 * rendered with its release name and applied); then the operator runs as the ServiceAccount
 * they create, with leader election as in its pod, and a FlowCluster from manifests/examples
 * gets its objects and its status, which Argo CD's health check reads as Progressing (no
 * kubelet runs its pods here). A verb the RBAC lacks fails here. A FlowCluster whose objects
 * an admission policy refuses is reported Degraded, with a Warning Event.
 */
class InstallOnRealApiServerTest {

    private static final String OPERATOR_NS = Repository.NAMESPACE;
    private static final String OPERATOR_SA = "flowcluster-operator";

    @ParameterizedTest
    @ValueSource(strings = {"helm", "kubectl", "argocd"})
    void theOperatorRunsUnderTheRbacItShipsWith(String installer, @TempDir Path dir) throws Exception {
        try (RealApiServer api = RealApiServer.startOrSkip()) {
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, api.adminKubeconfig());
            switch (installer) {
                case "helm" -> new Helm(Repository.CHART).install().withName("flowcluster-operator").withNamespace(OPERATOR_NS)
                        .createNamespace().withKubeConfig(kubeconfig).call();
                case "kubectl" -> kubectl(api, kubeconfig, "apply", "-f", Repository.INSTALL.toAbsolutePath().toString());
                default -> { // argocd/application-operator.yaml: helm template with its releaseName, CreateNamespace=true, apply
                    Path rendered = dir.resolve("rendered.yaml");
                    Files.writeString(rendered, new Helm(Repository.CHART).template().withName("flowcluster-operator")
                            .withNamespace(OPERATOR_NS).withKubeVersion(Repository.TESTED_KUBERNETES).call());
                    api.createNamespace(OPERATOR_NS);
                    kubectl(api, kubeconfig, "apply", "-f", rendered.toString());
                }
            }
            api.createNamespace("flow");
            Process operator = OperatorHarness.startOperatorAs(dir, api.url(), api.token(OPERATOR_NS, OPERATOR_SA), OPERATOR_NS,
                    "JOSDK_ALL_NAMESPACES");
            try {
                kubectl(api, kubeconfig, "apply", "-n", "flow", "-f",
                        Repository.ROOT.resolve("manifests/examples/minimal.yaml").toAbsolutePath().toString());
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
                assertThat(ArgoHealth.health(TestCluster.JSON.writeValueAsString(
                        client.resources(FlowCluster.class).inNamespace("flow").withName("flow").get()))).containsEntry("status", "Progressing");
                if (installer.equals("kubectl")) {
                    aClusterAPolicyRefusesIsDegraded(api, kubeconfig, dir);
                }
            } finally {
                OperatorHarness.stop(operator);
                FlowClusterScenario.keepLogs(dir, "install-" + installer + "-logs");
            }
        }
    }

    /**
     * A cluster policy (a ValidatingAdmissionPolicy, as a policy engine would) refuses Services
     * in a namespace: applying the spec fails, the status says why in the API server's words,
     * a Warning Event too, and Argo CD sees Degraded.
     */
    private static void aClusterAPolicyRefusesIsDegraded(RealApiServer api, Path kubeconfig, Path dir) throws Exception {
        api.createNamespace("policed");
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: no-services}
                spec:
                  failurePolicy: Fail
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["services"]}
                  validations:
                  - {expression: "false", message: "Services are not allowed here by policy"}
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: no-services-in-policed}
                spec:
                  policyName: no-services
                  validationActions: [Deny]
                  matchResources:
                    namespaceSelector:
                      matchLabels: {kubernetes.io/metadata.name: policed}
                """);
        kubectl(api, kubeconfig, "apply", "-f", policy.toString());
        // a policy takes a moment to be enforced after it is created
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try {
                api.admin().services().inNamespace("policed").resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                        .withNewMetadata().withName("probe").endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec()
                        .build()).create();
                api.admin().services().inNamespace("policed").withName("probe").delete();
                return false;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                return e.getMessage().contains("not allowed here by policy");
            }
        });
        kubectl(api, kubeconfig, "apply", "-n", "policed", "-f", Repository.ROOT.resolve("manifests/examples/minimal.yaml").toAbsolutePath().toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> conditions(api, "policed").stream()
                .anyMatch(c -> c.getType().equals("Degraded") && c.getStatus().equals("True") && c.getReason().equals("ReconcileFailed")));
        Condition degraded = conditions(api, "policed").stream().filter(c -> c.getType().equals("Degraded")).findFirst().orElseThrow();
        assertThat(degraded.getMessage()).startsWith("could not apply the spec (retrying): ").contains("not allowed here by policy");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.admin().v1().events().inNamespace("policed").list().getItems().stream()
                .anyMatch(e -> "Warning".equals(e.getType()) && "ReconcileFailed".equals(e.getReason())));
        assertThat(ArgoHealth.health(TestCluster.JSON.writeValueAsString(
                api.admin().resources(FlowCluster.class).inNamespace("policed").withName("flow").get()))).containsEntry("status", "Degraded");
    }

    private static List<Condition> conditions(RealApiServer api) {
        return conditions(api, "flow");
    }

    private static List<Condition> conditions(RealApiServer api, String namespace) {
        FlowCluster fc = api.admin().resources(FlowCluster.class).inNamespace(namespace).withName("flow").get();
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
