package io.flowcluster.e2e.harness;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Fabric8 mock API server in CRUD mode, and the packaged operator run against it as a process. */
public final class OperatorHarness {

    private OperatorHarness() {
    }

    public static KubernetesMockServer crudServer() {
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of(new CustomResourceDefinitionContext.Builder()
                        .withGroup("flowcluster.io").withVersion("v1alpha1").withKind("FlowCluster")
                        .withPlural("flowclusters").withScope("Namespaced").build())), false);
        api.init();
        return api;
    }

    /** Starts the operator on the namespace; its output goes to operator.log in {@code dir}. */
    public static Process startOperator(Path dir, String apiUrl, String namespace) throws IOException {
        // leader election (prod profile only) first checks its Lease access with a SelfSubjectRulesReview,
        // which the mock API server cannot answer; one operator process needs no election
        return startOperator(dir, Map.of("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiUrl,
                "QUARKUS_OPERATOR_SDK_NAMESPACES", namespace, "POD_NAMESPACE", namespace, "QUARKUS_PROFILE", "e2e"));
    }

    /**
     * Starts the operator as a ServiceAccount, with the production profile (leader election
     * on) and the settings the chart gives it, so that it has exactly the RBAC it ships with.
     */
    public static Process startOperatorAs(Path dir, String apiUrl, String token, String ownNamespace, String watched) throws IOException {
        return startOperator(dir, Map.of("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiUrl,
                "QUARKUS_KUBERNETES_CLIENT_TOKEN", token, "QUARKUS_OPERATOR_SDK_NAMESPACES", watched, "POD_NAMESPACE", ownNamespace));
    }

    private static Process startOperator(Path dir, Map<String, String> env) throws IOException {
        Path jar = Path.of(System.getProperty("flowcluster.operator.runner", "../../operator/target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("the packaged operator is missing at " + jar + "; build the operator module first");
        }
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("operator.log").toFile());
        pb.environment().put("QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS", "true");
        pb.environment().putAll(env);
        try (ServerSocket s = new ServerSocket(0)) {
            pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(s.getLocalPort()));
        }
        return pb.start();
    }

    public static void stop(Process operator) throws InterruptedException {
        operator.destroy();
        if (!operator.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            operator.destroyForcibly();
        }
    }
}
