package io.flowcluster.operator.desired;

import static io.flowcluster.operator.crd.Defaults.orDefault;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.flowcluster.contract.ServerSetting;
import io.flowcluster.operator.crd.DatabaseSpec;
import io.flowcluster.operator.crd.Defaults;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterSpec;
import io.flowcluster.operator.crd.PodOverrides;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The server's objects as pure functions of the FlowCluster: what should exist, not how to get there. */
public final class ServerObjects {

    static final long SERVER_UID = 185;

    private ServerObjects() {
    }

    public static ServiceAccount serviceAccount(FlowCluster fc) {
        return new ServiceAccountBuilder().withMetadata(Meta.of(fc, Names.server(fc), Names.SERVER)).build();
    }

    /**
     * Least privilege: the nodes read and renew the scheduler Lease, read the ring and write
     * the published state, each by name. The operator creates all three, so no create verb.
     */
    public static Role role(FlowCluster fc) {
        return new RoleBuilder().withMetadata(Meta.of(fc, Names.server(fc), Names.SERVER))
                .withRules(
                        new PolicyRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases")
                                .withResourceNames(Names.schedulerLease(fc)).withVerbs("get", "update").build(),
                        new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                                .withResourceNames(Names.ring(fc)).withVerbs("get", "list", "watch").build(),
                        new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                                .withResourceNames(Names.schedulerState(fc)).withVerbs("get", "update").build())
                .build();
    }

    public static RoleBinding roleBinding(FlowCluster fc) {
        return new RoleBindingBuilder().withMetadata(Meta.of(fc, Names.server(fc), Names.SERVER))
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(Names.server(fc)).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(Names.server(fc))
                .withNamespace(fc.getMetadata().getNamespace()).endSubject()
                .build();
    }

    public static ConfigMap config(FlowCluster fc) {
        return new ConfigMapBuilder().withMetadata(Meta.of(fc, Names.config(fc), Names.SERVER))
                .withData(ServerSettings.of(fc)).build();
    }

    /** The client Service: Ready nodes only. */
    public static Service clientService(FlowCluster fc) {
        Optional<io.flowcluster.operator.crd.ServiceSpec> spec = Optional.ofNullable(fc.getSpec().service);
        Map<String, String> annotations = spec.map(s -> s.annotations).orElse(Map.of());
        return new ServiceBuilder().withMetadata(Meta.of(fc, Names.server(fc), Names.SERVER))
                .editMetadata().withAnnotations(new LinkedHashMap<>(annotations)).endMetadata()
                .withNewSpec()
                .withType(spec.map(s -> s.type).map(Enum::name).orElse(Defaults.SERVICE_TYPE))
                .withSelector(Names.selector(fc, Names.SERVER))
                .addNewPort().withName(Names.HTTP_PORT_NAME).withPort(Names.HTTP_PORT)
                .withTargetPort(new IntOrString(Names.HTTP_PORT_NAME)).endPort()
                .endSpec().build();
    }

    /** The headless Service that gives each node a DNS name, listed before it is Ready. */
    public static Service headlessService(FlowCluster fc) {
        return new ServiceBuilder().withMetadata(Meta.of(fc, Names.headless(fc), Names.SERVER))
                .withNewSpec().withClusterIP("None").withPublishNotReadyAddresses(true)
                .withSelector(Names.selector(fc, Names.SERVER))
                .addNewPort().withName(Names.HTTP_PORT_NAME).withPort(Names.HTTP_PORT)
                .withTargetPort(new IntOrString(Names.HTTP_PORT_NAME)).endPort()
                .endSpec().build();
    }

    public static PodDisruptionBudget disruptionBudget(FlowCluster fc) {
        int maxUnavailable = orDefault(Optional.ofNullable(fc.getSpec().podDisruptionBudget).map(p -> p.maxUnavailable)
                .orElse(null), Defaults.MAX_UNAVAILABLE);
        return new PodDisruptionBudgetBuilder().withMetadata(Meta.of(fc, Names.server(fc), Names.SERVER))
                .withNewSpec().withMaxUnavailable(new IntOrString(maxUnavailable))
                .withNewSelector().withMatchLabels(Names.selector(fc, Names.SERVER)).endSelector()
                .endSpec().build();
    }

    /**
     * The server nodes. {@code replicas} is what the scale-down logic allows now (it lags the
     * spec while leaving nodes drain). Parallel pod management: nodes are peers.
     */
    public static StatefulSet statefulSet(FlowCluster fc, int replicas) {
        FlowClusterSpec spec = fc.getSpec();
        PodOverrides pod = Optional.ofNullable(spec.pod).orElseGet(PodOverrides::new);
        Map<String, String> podLabels = new LinkedHashMap<>(Optional.ofNullable(pod.labels).orElse(Map.of()));
        podLabels.putAll(Names.labels(fc, Names.SERVER));
        Map<String, String> podAnnotations = new LinkedHashMap<>(Optional.ofNullable(pod.annotations).orElse(Map.of()));
        podAnnotations.put(Hashes.CONFIG_HASH, Hashes.of(ServerSettings.of(fc)));
        return new StatefulSetBuilder().withMetadata(Meta.of(fc, Names.server(fc), Names.SERVER))
                .withNewSpec()
                .withReplicas(replicas)
                .withServiceName(Names.headless(fc))
                .withPodManagementPolicy("Parallel")
                .withNewSelector().withMatchLabels(Names.selector(fc, Names.SERVER)).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(podLabels).withAnnotations(podAnnotations).endMetadata()
                .withNewSpec()
                .withServiceAccountName(Names.server(fc))
                .withTerminationGracePeriodSeconds((long) ServerSettings.DRAIN_SECONDS + 10)
                .withImagePullSecrets(spec.imagePullSecrets)
                .withNodeSelector(pod.nodeSelector)
                .withAffinity(pod.affinity)
                .withTolerations(pod.tolerations)
                .withTopologySpreadConstraints(pod.topologySpreadConstraints)
                .withPriorityClassName(pod.priorityClassName)
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(SERVER_UID).withRunAsGroup(SERVER_UID)
                .withFsGroup(SERVER_UID).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withContainers(serverContainer(fc, pod))
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec()
                .endTemplate()
                .endSpec().build();
    }

    private static Container serverContainer(FlowCluster fc, PodOverrides pod) {
        List<EnvVar> env = new ArrayList<>();
        env.add(fieldRef("POD_NAME", "metadata.name"));
        env.add(fieldRef("POD_NAMESPACE", "metadata.namespace"));
        // the server listens on loopback unless told: in its pod it serves the Service, the probes
        // and kubectl port-forward (which connects to the pod's loopback)
        env.add(new EnvVarBuilder().withName("QUARKUS_HTTP_HOST").withValue("0.0.0.0").build());
        env.add(secretRef(ServerSetting.API_TOKEN.env(), tokenSecret(fc), tokenKey(fc)));
        Optional<DatabaseSpec.External> external = DatabaseObjects.external(fc);
        if (external.isPresent()) {
            DatabaseSpec.SecretRef ref = external.get().secretRef;
            env.add(secretRef("QUARKUS_DATASOURCE_JDBC_URL", ref.name, orDefault(ref.urlKey, Defaults.URL_KEY)));
            env.add(secretRef("QUARKUS_DATASOURCE_USERNAME", ref.name, orDefault(ref.userKey, Defaults.USER_KEY)));
            env.add(secretRef("QUARKUS_DATASOURCE_PASSWORD", ref.name, orDefault(ref.passwordKey, Defaults.PASSWORD_KEY)));
        } else {
            env.add(secretRef("QUARKUS_DATASOURCE_JDBC_URL", Names.database(fc), Defaults.URL_KEY));
            env.add(secretRef("QUARKUS_DATASOURCE_USERNAME", Names.database(fc), Defaults.USER_KEY));
            env.add(secretRef("QUARKUS_DATASOURCE_PASSWORD", Names.database(fc), Defaults.PASSWORD_KEY));
        }
        Optional.ofNullable(pod.env).ifPresent(env::addAll);
        return new ContainerBuilder()
                .withName(Names.SERVER)
                .withImage(orDefault(fc.getSpec().image, Defaults.IMAGE))
                .withImagePullPolicy(fc.getSpec().imagePullPolicy == null ? Defaults.IMAGE_PULL_POLICY
                        : fc.getSpec().imagePullPolicy.name())
                .addNewEnvFrom().withNewConfigMapRef().withName(Names.config(fc)).endConfigMapRef().endEnvFrom()
                .withEnv(env)
                .addNewPort().withName(Names.HTTP_PORT_NAME).withContainerPort(Names.HTTP_PORT).endPort()
                .withResources(fc.getSpec().resources)
                .withNewReadinessProbe().withNewHttpGet().withPath("/q/health/ready").withPort(new IntOrString(Names.HTTP_PORT_NAME))
                .endHttpGet().withPeriodSeconds(5).withFailureThreshold(3).endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/q/health/live").withPort(new IntOrString(Names.HTTP_PORT_NAME))
                .endHttpGet().withInitialDelaySeconds(10).withPeriodSeconds(10).withFailureThreshold(6).endLivenessProbe()
                // let endpoints drop the pod before SIGTERM starts the server's own drain; an exec of the
                // image's sleep, not the sleep action, which Kubernetes before 1.30 prunes into an invalid pod
                .withNewLifecycle().withNewPreStop().withNewExec().withCommand("sleep", "2").endExec().endPreStop().endLifecycle()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .addNewVolumeMount().withName("work").withMountPath(ServerSettings.WORK_DIR).endVolumeMount()
                .build();
    }

    /** The Secret with the API token: the user's, or the one the operator generates. */
    public static String tokenSecret(FlowCluster fc) {
        return Optional.ofNullable(fc.getSpec().api).map(a -> a.tokenSecretRef).map(r -> r.name).orElse(Names.apiToken(fc));
    }

    static String tokenKey(FlowCluster fc) {
        return Optional.ofNullable(fc.getSpec().api).map(a -> a.tokenSecretRef).map(r -> r.key).orElse(Defaults.TOKEN_KEY);
    }

    /** Whether the operator generates the API token Secret. */
    public static boolean generatesToken(FlowCluster fc) {
        return Optional.ofNullable(fc.getSpec().api).map(a -> a.tokenSecretRef).isEmpty();
    }

    private static EnvVar fieldRef(String name, String path) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(path).endFieldRef()
                .endValueFrom().build();
    }

    static EnvVar secretRef(String name, String secret, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(key)
                .endSecretKeyRef().endValueFrom().build();
    }
}
