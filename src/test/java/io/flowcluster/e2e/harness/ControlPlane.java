package io.flowcluster.e2e.harness;

import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A whole Kubernetes control plane on loopback, from {@code ../shared/k8s/control-plane.sh}:
 * etcd, kube-apiserver (RBAC on) and kube-controller-manager, whose StatefulSet controller
 * creates pods and whose garbage collector deletes what a deleted owner owned. No kubelet and
 * no scheduler: {@link Kubelet} runs the pods. Skipped, saying why, where the script or the
 * binaries are missing.
 */
public final class ControlPlane implements AutoCloseable {

    public static final Path SCRIPT = Repository.ROOT.resolve("../shared/k8s/control-plane.sh").toAbsolutePath().normalize();

    private static final Path BINARIES = Path.of(System.getenv().getOrDefault("FLOWCLUSTER_K8S_BIN",
            System.getProperty("user.home") + "/.flowcluster-k8s/bin"));

    private final int port;
    private final Path kubeconfig;
    private final KubernetesClient admin;

    private ControlPlane(int port, Path kubeconfig) throws IOException {
        this.port = port;
        this.kubeconfig = kubeconfig;
        this.admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
    }

    public static ControlPlane startOrSkip(Path logDir) throws IOException, InterruptedException {
        if (!Files.exists(SCRIPT) || !Files.isExecutable(BINARIES.resolve("kube-controller-manager"))) {
            RealApiServer.skip("no control plane: " + SCRIPT + " and the binaries in " + BINARIES
                    + " are needed (../shared/k8s/install.sh unpacks them; CI does)");
        }
        int port = freePorts();
        Process start = new ProcessBuilder("bash", SCRIPT.toString(), "start", "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(logDir.resolve("control-plane.log").toFile()).start();
        if (!start.waitFor(180, TimeUnit.SECONDS) || start.exitValue() != 0) {
            throw new IllegalStateException("control-plane.sh start failed; see " + logDir.resolve("control-plane.log"));
        }
        return new ControlPlane(port, Path.of("/tmp/flowcluster-k8s-" + port, "kubeconfig"));
    }

    /** A port for the API server whose companions (etcd at -4064 and -4063, the controller-manager at +3814) are free too. */
    private static int freePorts() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 28_000);
            if (List.of(port, port - 4064, port - 4063, port + 3814).stream().allMatch(ControlPlane::free)) {
                return port;
            }
        }
        throw new IOException("no free ports for a control plane");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public KubernetesClient admin() {
        return admin;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** kubectl of the same version as the control plane. */
    public Path kubectl() {
        return BINARIES.resolve("kubectl");
    }

    public String url() {
        return admin.getConfiguration().getMasterUrl();
    }

    public String token(String namespace, String serviceAccount) {
        return admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        admin.close();
        new ProcessBuilder("bash", SCRIPT.toString(), "stop", "--port", Integer.toString(port), "--wipe")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
    }
}
