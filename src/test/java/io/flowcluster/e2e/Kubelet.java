package io.flowcluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the StatefulSet controller and the kubelet for the mock API server: for every pod
 * the StatefulSet asks for it creates the Pod and starts a server process with the pod's
 * environment (downward API, Secrets, ConfigMaps resolved), and reports it Ready while the
 * process answers. A process that dies leaves its pod NotReady, as a crashed container does,
 * and is started again after {@link #RESTART_DELAY} (restartPolicy Always).
 */
final class Kubelet implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final String statefulSet;
    private final Path dir;
    private final Map<String, String> overrides;
    private final Map<String, ServerProcess> processes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> reportedReady = new ConcurrentHashMap<>();
    private final Map<String, Long> deadSince = new ConcurrentHashMap<>();
    static final java.time.Duration RESTART_DELAY = java.time.Duration.ofSeconds(5);
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

    Kubelet(KubernetesClient client, String namespace, String statefulSet, Path dir, Map<String, String> overrides) {
        this.client = client;
        this.namespace = namespace;
        this.statefulSet = statefulSet;
        this.dir = dir;
        this.overrides = overrides;
        loop.scheduleWithFixedDelay(this::syncQuietly, 0, 300, TimeUnit.MILLISECONDS);
    }

    ServerProcess process(String pod) {
        return processes.get(pod);
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (Exception e) {
            System.err.println("kubelet: " + e);
        }
    }

    private void sync() throws IOException {
        StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(statefulSet).get();
        if (sts == null) {
            return;
        }
        for (int i = 0; i < sts.getSpec().getReplicas(); i++) {
            String name = statefulSet + "-" + i;
            if (!processes.containsKey(name)) {
                start(sts, name);
            }
        }
        for (Map.Entry<String, ServerProcess> e : processes.entrySet()) {
            int ordinal = Integer.parseInt(e.getKey().substring(e.getKey().lastIndexOf('-') + 1));
            if (ordinal >= sts.getSpec().getReplicas()) {
                stop(e.getKey());
            } else {
                report(e.getKey(), e.getValue().isAlive() && ready(e.getValue()));
                restartIfDead(sts, e.getKey(), e.getValue());
            }
        }
    }

    private void restartIfDead(StatefulSet sts, String name, ServerProcess process) throws IOException {
        if (process.isAlive()) {
            deadSince.remove(name);
            return;
        }
        long since = deadSince.computeIfAbsent(name, n -> System.nanoTime());
        if (System.nanoTime() - since > RESTART_DELAY.toNanos()) {
            deadSince.remove(name);
            processes.remove(name);
            start(sts, name);
        }
    }

    private void start(StatefulSet sts, String name) throws IOException {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withLabels(sts.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                .withSpec(sts.getSpec().getTemplate().getSpec())
                .withNewStatus().withConditions(new PodConditionBuilder().withType("Ready").withStatus("False").build()).endStatus()
                .build();
        client.resource(pod).createOr(p -> p.update());
        Map<String, String> env = environment(sts.getSpec().getTemplate().getSpec().getContainers().get(0), name);
        env.putAll(overrides);
        env.put("FLOW_WORKER_WORK_DIR", dir.resolve("work-" + name).toString());
        assertThat(env).as("a pod's server listens beyond its loopback").containsEntry("QUARKUS_HTTP_HOST", "0.0.0.0");
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1"); // these "pods" share the test machine's network
        processes.put(name, new ServerProcess(dir, name, env).launch());
    }

    private void stop(String name) {
        ServerProcess process = processes.remove(name);
        try {
            process.terminate(java.time.Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.pods().inNamespace(namespace).withName(name).delete();
        reportedReady.remove(name);
    }

    private void report(String name, boolean ready) {
        if (Boolean.valueOf(ready).equals(reportedReady.get(name))) {
            return;
        }
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        if (pod == null) {
            return;
        }
        pod.getStatus().setConditions(java.util.List.of(new PodConditionBuilder().withType("Ready")
                .withStatus(ready ? "True" : "False").build()));
        client.resource(pod).updateStatus();
        reportedReady.put(name, ready);
    }

    private static boolean ready(ServerProcess process) {
        try {
            return process.get("/q/health/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The container's environment as the kubelet would set it. */
    private Map<String, String> environment(Container container, String podName) {
        Map<String, String> env = new HashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            ConfigMap cm = client.configMaps().inNamespace(namespace).withName(from.getConfigMapRef().getName()).get();
            env.putAll(cm.getData());
        }
        for (EnvVar var : container.getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            } else if (var.getValueFrom().getFieldRef() != null) {
                String path = var.getValueFrom().getFieldRef().getFieldPath();
                env.put(var.getName(), path.equals("metadata.name") ? podName : namespace);
            } else if (var.getValueFrom().getSecretKeyRef() != null) {
                env.put(var.getName(), secret(var.getValueFrom().getSecretKeyRef().getName(), var.getValueFrom().getSecretKeyRef().getKey()));
            }
        }
        return env;
    }

    String secret(String name, String key) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        return secret.getStringData().get(key);
    }

    @Override
    public void close() throws InterruptedException {
        loop.shutdownNow();
        loop.awaitTermination(5, TimeUnit.SECONDS);
        for (ServerProcess p : processes.values()) {
            if (p.isAlive()) {
                p.killHard();
            }
        }
    }
}
