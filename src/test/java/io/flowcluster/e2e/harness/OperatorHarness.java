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
        return startOperator(dir, asServiceAccount(apiUrl, token, ownNamespace, watched));
    }

    /**
     * The operator as {@link #startOperatorAs}, started again when it exits because it lost its
     * leader election, as its Deployment would: a machine that stalls longer than the lease (a
     * loaded CI host can) makes it step down and exit by design. Any other exit stays an exit.
     */
    public static Supervised superviseOperatorAs(Path dir, String apiUrl, String token, String ownNamespace, String watched)
            throws IOException {
        return new Supervised(dir, asServiceAccount(apiUrl, token, ownNamespace, watched));
    }

    /** A supervised operator process; {@link #restarts()} says how often it was started again. */
    public static final class Supervised implements AutoCloseable {
        private final Path dir;
        private final Map<String, String> env;
        private final Thread watcher;
        private volatile Process process;
        /** Where the running process's output begins in operator.log. */
        private long logStart;
        private volatile boolean closed;
        private volatile int restarts;

        private Supervised(Path dir, Map<String, String> env) throws IOException {
            this.dir = dir;
            this.env = env;
            this.process = start();
            this.watcher = new Thread(this::watch, "operator-supervisor");
            this.watcher.setDaemon(true);
            this.watcher.start();
        }

        private void watch() {
            try {
                while (true) {
                    process.waitFor();
                    String log = Files.readString(dir.resolve("operator.log"));
                    if (closed || !log.substring((int) Math.min(logStart, log.length())).contains("Stopped leading")) {
                        return;
                    }
                    restarts++;
                    process = start();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                System.out.println("[operator] not supervised any more: " + e.getMessage());
            }
        }

        private Process start() throws IOException {
            Path log = dir.resolve("operator.log");
            logStart = Files.exists(log) ? Files.size(log) : 0;
            return startOperator(dir, env);
        }

        public int restarts() {
            return restarts;
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            stop(process);
            watcher.join(5000);
        }
    }

    private static Map<String, String> asServiceAccount(String apiUrl, String token, String ownNamespace, String watched) {
        return Map.of("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiUrl,
                "QUARKUS_KUBERNETES_CLIENT_TOKEN", token, "QUARKUS_OPERATOR_SDK_NAMESPACES", watched, "POD_NAMESPACE", ownNamespace);
    }

    private static Process startOperator(Path dir, Map<String, String> env) throws IOException {
        Path jar = Path.of(System.getProperty("flowcluster.operator.runner", "../../operator/target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("the packaged operator is missing at " + jar + "; build the operator module first");
        }
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("operator.log").toFile()));
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
