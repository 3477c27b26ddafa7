package io.flowcluster.e2e.harness;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real kube-apiserver with etcd (Fabric8's kube-api-test): RBAC per verb, schema and CEL
 * validation, conflicts. The binaries come from {@code ../shared/k8s/install.sh}, which unpacks
 * them into {@code ~/.flowcluster-k8s} ({@code KUBE_API_TEST_DIR} names another place); where
 * there are none, the test is skipped and the console says why. No controller-manager runs:
 * a StatefulSet gets no pods unless the test makes them.
 */
public final class RealApiServer implements AutoCloseable {

    private static final Path DEFAULT_DIR = Path.of(System.getProperty("user.home"), ".flowcluster-k8s", "kubeapitest");

    private final KubeAPIServer server;
    private final Path binaries;
    private final KubernetesClient admin;
    private final String url;

    private RealApiServer(KubeAPIServer server, Path binaries) {
        this.server = server;
        this.binaries = binaries;
        Config config = Config.fromKubeconfig(server.getKubeConfigYaml());
        this.url = config.getMasterUrl();
        this.admin = new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Starts one, or skips the calling test with the reason printed where a person reads it. */
    public static RealApiServer startOrSkip() {
        Path dir = Optional.ofNullable(System.getenv(KubeAPIServerConfigBuilder.KUBE_API_TEST_DIR)).map(Path::of).orElse(DEFAULT_DIR);
        Optional<String> version = Optional.ofNullable(System.getenv(KubeAPIServerConfigBuilder.KUBE_API_TEST_API_SERVER_VERSION))
                .or(() -> installedVersion(dir));
        if (version.isEmpty()) {
            skip("no Kubernetes API server binaries in " + dir + ": run ../shared/k8s/install.sh (CI does) to run the "
                    + "real-API-server tests");
        }
        KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(dir.toString())
                .withApiServerVersion(version.get())
                // kube-api-test 7.4.0 fails on the environment variable's form of this setting
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .build());
        server.start();
        return new RealApiServer(server, dir.resolve("k8s").resolve(version.get() + "-linux-amd64"));
    }

    /** Skips the calling test, saying why on the console too (a skipped test's reason is otherwise only in its report). */
    public static void skip(String why) {
        System.out.println("[SKIPPED] " + why);
        Assumptions.abort(why);
    }

    private static Optional<String> installedVersion(Path dir) {
        Path k8s = dir.resolve("k8s");
        if (!Files.isDirectory(k8s)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(k8s)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("kube-apiserver")))
                    .map(v -> v.getFileName().toString().replaceAll("-linux-amd64$", ""))
                    .sorted().reduce((a, b) -> b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public KubernetesClient admin() {
        return admin;
    }

    public String url() {
        return url;
    }

    /** An admin kubeconfig (system:masters), for kubectl and Helm. */
    public String adminKubeconfig() {
        return server.getKubeConfigYaml();
    }

    /** kubectl of the same version as the server. */
    public Path kubectl() {
        return binaries.resolve("kubectl");
    }

    public void createNamespace(String name) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    /** A token of the ServiceAccount (created when missing), to act with exactly its RBAC. */
    public String token(String namespace, String serviceAccount) {
        if (admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount).get() == null) {
            admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName(serviceAccount).endMetadata().build()).create();
        }
        return admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    /** A client that acts as the ServiceAccount. */
    public KubernetesClient as(String namespace, String serviceAccount) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(url).withTrustCerts(true).withOauthToken(token(namespace, serviceAccount))
                .withNamespace(namespace).build()).build();
    }

    @Override
    public void close() {
        admin.close();
        server.stop();
    }
}
