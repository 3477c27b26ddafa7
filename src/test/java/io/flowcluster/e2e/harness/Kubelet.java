package io.flowcluster.e2e.harness;

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
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Plays the kubelet for the server pods of one StatefulSet: each pod is a server process with
 * the pod's environment (downward API, Secrets, ConfigMaps resolved) and a token of the pod's
 * ServiceAccount, as the projected volume would give it; the pod is reported Running and
 * Ready while the process answers. A process that dies leaves its pod NotReady, as a crashed
 * container does, and is started again after {@link #RESTART_DELAY} (restartPolicy Always).
 * A pod being deleted has its process stopped (SIGTERM, the server drains) and is then removed.
 * <p>
 * Where no controller-manager runs (a bare API server), it also plays the StatefulSet
 * controller: it creates the pods the StatefulSet asks for and deletes those it no longer does.
 */
public final class Kubelet implements AutoCloseable {

    public static final Duration RESTART_DELAY = Duration.ofSeconds(5);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final String namespace;
    private final String statefulSet;
    private final Path dir;
    private final Map<String, String> overrides;
    private final Function<String, String> serviceAccountToken;
    private final boolean createsPods;
    private final Map<String, ServerProcess> processes = new ConcurrentHashMap<>();
    private final Map<String, String> podUids = new ConcurrentHashMap<>();
    private final Map<String, Boolean> reportedReady = new ConcurrentHashMap<>();
    private final Map<String, Long> deadSince = new ConcurrentHashMap<>();
    private final Set<String> stopping = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService stopper = Executors.newCachedThreadPool();

    /**
     * @param serviceAccountToken a token for a ServiceAccount of the namespace, by name
     * @param createsPods         whether to play the StatefulSet controller too
     */
    public Kubelet(KubernetesClient client, String namespace, String statefulSet, Path dir, Map<String, String> overrides,
            Function<String, String> serviceAccountToken, boolean createsPods) {
        this.client = client;
        this.namespace = namespace;
        this.statefulSet = statefulSet;
        this.dir = dir;
        this.overrides = overrides;
        this.serviceAccountToken = serviceAccountToken;
        this.createsPods = createsPods;
        loop.scheduleWithFixedDelay(this::syncQuietly, 0, 300, TimeUnit.MILLISECONDS);
    }

    public ServerProcess process(String pod) {
        return processes.get(pod);
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (Exception e) {
            System.err.println("kubelet: " + e);
        }
    }

    private void sync() throws IOException, InterruptedException {
        StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(statefulSet).get();
        if (createsPods && sts != null) {
            createPods(sts);
        }
        Map<String, Pod> pods = client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(p -> p.getMetadata().getOwnerReferences().stream().anyMatch(o -> statefulSet.equals(o.getName()))
                        || createsPods && p.getMetadata().getName().matches(java.util.regex.Pattern.quote(statefulSet) + "-[0-9]+"))
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
        for (Pod pod : pods.values()) {
            String name = pod.getMetadata().getName();
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                stop(name, true);
            } else if (!processes.containsKey(name) || !pod.getMetadata().getUid().equals(podUids.get(name))) {
                if (!stopping.contains(name)) {
                    start(pod);
                }
            } else {
                ServerProcess process = processes.get(name);
                report(pod, process.isAlive() && ready(process));
                restartIfDead(pod, process);
            }
        }
        for (String name : List.copyOf(processes.keySet())) {
            if (!pods.containsKey(name)) {
                stop(name, false);
            }
        }
    }

    /** The StatefulSet controller's part, where none runs: pods 0 to replicas-1 exist, the others go. */
    private void createPods(StatefulSet sts) {
        int replicas = sts.getSpec().getReplicas();
        for (int i = 0; i < replicas; i++) {
            String name = statefulSet + "-" + i;
            if (client.pods().inNamespace(namespace).withName(name).get() == null) {
                client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                        .withLabels(sts.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                        .withSpec(sts.getSpec().getTemplate().getSpec()).build()).create();
            }
        }
        for (String name : List.copyOf(processes.keySet())) {
            int ordinal = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
            if (ordinal >= replicas) {
                client.pods().inNamespace(namespace).withName(name).delete();
            }
        }
    }

    private void start(Pod pod) throws IOException, InterruptedException {
        String name = pod.getMetadata().getName();
        ServerProcess old = processes.remove(name);
        if (old != null && old.isAlive()) {
            old.killHard();
        }
        Container container = pod.getSpec().getContainers().get(0);
        Map<String, String> env = environment(container, name);
        env.putAll(overrides);
        env.put("QUARKUS_KUBERNETES_CLIENT_TOKEN", serviceAccountToken.apply(pod.getSpec().getServiceAccountName()));
        env.put("FLOW_WORKER_WORK_DIR", dir.resolve("work-" + name).toString());
        assertThat(env).as("a pod's server listens beyond its loopback").containsEntry("QUARKUS_HTTP_HOST", "0.0.0.0");
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1"); // these "pods" share the test machine's network
        podUids.put(name, pod.getMetadata().getUid());
        reportedReady.remove(name);
        processes.put(name, new ServerProcess(dir, name, env).launch());
    }

    /** Stops the process as a container is stopped (SIGTERM, then the grace period); a pod being deleted then goes. */
    private void stop(String name, boolean thenRemovePod) {
        if (!stopping.add(name)) {
            return;
        }
        stopper.submit(() -> {
            try {
                ServerProcess process = processes.get(name);
                if (process != null) {
                    process.terminate(STOP_WAIT);
                }
                if (thenRemovePod) {
                    client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
                }
                processes.remove(name);
                reportedReady.remove(name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.err.println("kubelet: stopping " + name + ": " + e);
            } finally {
                stopping.remove(name);
            }
        });
    }

    private void restartIfDead(Pod pod, ServerProcess process) throws IOException, InterruptedException {
        String name = pod.getMetadata().getName();
        if (process.isAlive()) {
            deadSince.remove(name);
            return;
        }
        long since = deadSince.computeIfAbsent(name, n -> System.nanoTime());
        if (System.nanoTime() - since > RESTART_DELAY.toNanos()) {
            deadSince.remove(name);
            start(pod);
        }
    }

    private void report(Pod pod, boolean ready) {
        String name = pod.getMetadata().getName();
        if (Boolean.valueOf(ready).equals(reportedReady.get(name))) {
            return;
        }
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder(pod.getStatus())
                .withPhase("Running")
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build())
                .build());
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

    public String secret(String name, String key) {
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
        stopper.shutdownNow();
        for (ServerProcess p : processes.values()) {
            if (p.isAlive()) {
                p.killHard();
            }
        }
    }
}
