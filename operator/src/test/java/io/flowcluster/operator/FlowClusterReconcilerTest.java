package io.flowcluster.operator;

import static io.flowcluster.operator.OperatorTestSupport.flowCluster;
import static io.flowcluster.operator.OperatorTestSupport.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowcluster.operator.crd.DatabaseSpec;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.PlacementSpec;
import io.flowcluster.operator.desired.Hashes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The operator running against the Fabric8 mock API server in CRUD mode; the test plays the kubelet. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class FlowClusterReconcilerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    KubernetesClient client;

    @Test
    void createsEveryObjectOwnedByTheClusterWithLeastPrivilegeAndARestrictedPod() {
        String ns = "create";
        FlowCluster fc = client.resource(flowCluster(ns, "demo", 3)).create();

        StatefulSet sts = await(() -> get(StatefulSet.class, ns, "demo"));
        for (HasMetadata owned : List.of(sts, get(ServiceAccount.class, ns, "demo"), get(Role.class, ns, "demo"),
                get(RoleBinding.class, ns, "demo"), get(ConfigMap.class, ns, "demo-config"), get(Service.class, ns, "demo"),
                get(Service.class, ns, "demo-nodes"), get(PodDisruptionBudget.class, ns, "demo"),
                get(Secret.class, ns, "demo-api-token"), get(Secret.class, ns, "demo-db"), get(StatefulSet.class, ns, "demo-db"),
                get(Service.class, ns, "demo-db"), get(Lease.class, ns, "demo-scheduler"), get(ConfigMap.class, ns, "demo-scheduler-state"))) {
            assertThat(owned.getMetadata().getOwnerReferences()).as(owned.getKind() + " " + owned.getMetadata().getName())
                    .singleElement().satisfies(ref -> {
                        assertThat(ref.getUid()).isEqualTo(fc.getMetadata().getUid());
                        assertThat(ref.getController()).isTrue();
                    });
            assertThat(owned.getMetadata().getLabels()).containsEntry("app.kubernetes.io/instance", "demo")
                    .containsEntry("app.kubernetes.io/managed-by", "flowcluster-operator");
        }
        assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
        assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        var pod = sts.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("POD_NAME");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });
        assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("QUARKUS_HTTP_HOST")).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("0.0.0.0"));
        assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("FLOW_API_TOKEN")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("demo-api-token"));
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(container.getLifecycle().getPreStop().getExec().getCommand())
                .as("an exec of sleep: Kubernetes before 1.30 prunes the sleep action into an invalid pod").containsExactly("sleep", "2");
        assertThat(container.getLifecycle().getPreStop().getSleep()).isNull();
        assertThat(get(Service.class, ns, "demo-nodes").getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(get(Role.class, ns, "demo").getRules()).allSatisfy(rule -> assertThat(rule.getResourceNames()).hasSize(1))
                .noneSatisfy(rule -> assertThat(rule.getVerbs()).contains("create"));
        assertThat(get(StatefulSet.class, ns, "demo-db").getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .as("the embedded PostgreSQL's autovacuum looks every 10 s").containsExactly("-c", "autovacuum_naptime=10s");
        assertThat(get(ConfigMap.class, ns, "demo-config").getData()).containsEntry("FLOW_COORDINATION", "kubernetes")
                .containsEntry("FLOW_CLUSTER_NAME", "demo").containsEntry("FLOW_PLACEMENT_STRATEGY", "bounded-load");

        FlowCluster stored = client.resources(FlowCluster.class).inNamespace(ns).withName("demo").get();
        assertThat(stored.getSpec().placement).as("defaults are never written into the spec").isNull();
        FlowCluster withStatus = await(() -> {
            FlowCluster c = client.resources(FlowCluster.class).inNamespace(ns).withName("demo").get();
            return c.getStatus() != null && c.getStatus().conditions.size() == 3 ? c : null;
        });
        assertThat(withStatus.getStatus().observedGeneration).isEqualTo(withStatus.getMetadata().getGeneration());
        assertThat(condition(withStatus, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(withStatus, "Progressing").getReason()).isEqualTo("Scaling");
        assertThat(withStatus.getStatus().toString()).doesNotContain(get(Secret.class, ns, "demo-api-token").getData().toString());
    }

    @Test
    void generatedSecretsAreCreatedOnceAndNeverReplaced() {
        String ns = "secrets";
        client.resource(flowCluster(ns, "demo", 1)).create();
        Secret token = await(() -> get(Secret.class, ns, "demo-api-token"));
        edit(ns, "demo", fc -> fc.getSpec().image = "flowcluster/flowcluster-server:0.2.0");
        await(() -> java.util.Optional.ofNullable(get(StatefulSet.class, ns, "demo"))
                .map(s -> s.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .filter("flowcluster/flowcluster-server:0.2.0"::equals).orElse(null));
        assertThat(get(Secret.class, ns, "demo-api-token").getMetadata().getResourceVersion())
                .isEqualTo(token.getMetadata().getResourceVersion());
    }

    @Test
    void readyPodsDriveTheRingAndNothingIsWrittenWhenNothingChanged() throws Exception {
        String ns = "ring";
        FlowCluster fc = client.resource(flowCluster(ns, "demo", 3)).create();
        await(() -> get(StatefulSet.class, ns, "demo"));
        pod(client, fc, 0, true);
        pod(client, fc, 1, true);
        pod(client, fc, 2, false);
        ConfigMap ring = await(() -> {
            ConfigMap cm = get(ConfigMap.class, ns, "demo-ring");
            return cm != null && "demo-0,demo-1".equals(cm.getData().get("members")) ? cm : null;
        });
        long epoch = Long.parseLong(ring.getData().get("epoch"));

        pod(client, fc, 2, true);
        ConfigMap three = await(() -> {
            ConfigMap cm = get(ConfigMap.class, ns, "demo-ring");
            return "demo-0,demo-1,demo-2".equals(cm.getData().get("members")) ? cm : null;
        });
        assertThat(Long.parseLong(three.getData().get("epoch"))).isEqualTo(epoch + 1);
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("RingChanged"));

        pod(client, fc, 1, false);
        await(() -> "demo-0,demo-2".equals(get(ConfigMap.class, ns, "demo-ring").getData().get("members")) ? true : null);
        client.pods().inNamespace(ns).withName("demo-2").delete();
        await(() -> "demo-0".equals(get(ConfigMap.class, ns, "demo-ring").getData().get("members")) ? true : null);
        assertThat(Long.parseLong(get(ConfigMap.class, ns, "demo-ring").getData().get("epoch"))).isEqualTo(epoch + 3);
        String version = get(ConfigMap.class, ns, "demo-ring").getMetadata().getResourceVersion();
        String stsVersion = get(StatefulSet.class, ns, "demo").getMetadata().getResourceVersion();
        edit(ns, "demo", c -> c.getMetadata().setAnnotations(Map.of("touched", "yes"))); // a reconciliation, nothing new
        Thread.sleep(1500);
        assertThat(get(ConfigMap.class, ns, "demo-ring").getMetadata().getResourceVersion()).isEqualTo(version);
        assertThat(get(StatefulSet.class, ns, "demo").getMetadata().getResourceVersion()).isEqualTo(stsVersion);
    }

    @Test
    void theLeaseHolderShowsAsLeaderAndTheClusterTurnsReady() {
        String ns = "leader";
        FlowCluster fc = client.resource(flowCluster(ns, "demo", 2)).create();
        Lease lease = await(() -> get(Lease.class, ns, "demo-scheduler"));
        pod(client, fc, 0, true);
        pod(client, fc, 1, true);
        lease.getSpec().setHolderIdentity("demo-1");
        lease.getSpec().setAcquireTime(java.time.ZonedDateTime.now());
        client.resource(lease).update();

        FlowCluster ready = await(() -> {
            FlowCluster c = client.resources(FlowCluster.class).inNamespace(ns).withName("demo").get();
            return c.getStatus() != null && "True".equals(condition(c, "Ready").getStatus()) ? c : null;
        });
        assertThat(ready.getStatus().scheduler.leader).isEqualTo("demo-1");
        assertThat(ready.getStatus().readyReplicas).isEqualTo(2);
        assertThat(condition(ready, "Degraded").getStatus()).isEqualTo("False");
        String readySince = condition(ready, "Ready").getLastTransitionTime();

        Lease moved = get(Lease.class, ns, "demo-scheduler");
        moved.getSpec().setHolderIdentity("demo-0");
        client.resource(moved).update();
        FlowCluster after = await(() -> {
            FlowCluster c = client.resources(FlowCluster.class).inNamespace(ns).withName("demo").get();
            return "demo-0".equals(c.getStatus().scheduler.leader) ? c : null;
        });
        assertThat(condition(after, "Ready").getLastTransitionTime()).as("Ready stayed True: its transition time stays")
                .isEqualTo(readySince);
    }

    @Test
    void scaleDownDrainsTheLeavingMembersBeforeTheStatefulSetShrinks() {
        String ns = "scale";
        FlowCluster fc = client.resource(flowCluster(ns, "demo", 3)).create();
        await(() -> get(StatefulSet.class, ns, "demo"));
        for (int i = 0; i < 3; i++) {
            pod(client, fc, i, true);
        }
        await(() -> "demo-0,demo-1,demo-2".equals(get(ConfigMap.class, ns, "demo-ring").getData().get("members")) ? true : null);

        edit(ns, "demo", c -> c.getSpec().replicas = 2);
        await(() -> "demo-2".equals(get(ConfigMap.class, ns, "demo-ring").getData().get("draining")) ? true : null);
        FlowCluster draining = client.resources(FlowCluster.class).inNamespace(ns).withName("demo").get();
        assertThat(get(StatefulSet.class, ns, "demo").getSpec().getReplicas()).as("not before it drained").isEqualTo(3);
        await(() -> {
            FlowCluster c = client.resources(FlowCluster.class).inNamespace(ns).withName("demo").get();
            return c.getStatus() != null && "Draining".equals(condition(c, "Progressing").getReason()) ? true : null;
        });

        ConfigMap state = get(ConfigMap.class, ns, "demo-scheduler-state");
        state.setData(Map.of("state.json", """
                {"scheduler": "demo-0", "schedulerEpoch": 4, "ringEpoch": 3, "desiredEpoch": 3, "members": [
                  {"id": "demo-0", "draining": false, "drained": false, "ownedJobs": 5, "runningSteps": 2},
                  {"id": "demo-1", "draining": false, "drained": false, "ownedJobs": 4, "runningSteps": 1},
                  {"id": "demo-2", "draining": true, "drained": true, "ownedJobs": 0, "runningSteps": 0}]}"""));
        client.resource(state).update();

        await(() -> get(StatefulSet.class, ns, "demo").getSpec().getReplicas() == 2 ? true : null);
        FlowCluster done = await(() -> {
            FlowCluster c = client.resources(FlowCluster.class).inNamespace(ns).withName("demo").get();
            return c.getStatus().scaleDown == null && c.getStatus().members.size() == 3 ? c : null;
        });
        assertThat(done.getStatus().members).anySatisfy(m -> {
            assertThat(m.id).isEqualTo("demo-0");
            assertThat(m.ownedJobs).isEqualTo(5);
        });
        assertThat(draining.getSpec().replicas).isEqualTo(2);
    }

    @Test
    void configImageAndDatabaseChangesPropagate() {
        String ns = "changes";
        client.resource(flowCluster(ns, "demo", 1)).create();
        StatefulSet before = await(() -> get(StatefulSet.class, ns, "demo"));
        String hash = before.getSpec().getTemplate().getMetadata().getAnnotations().get(Hashes.CONFIG_HASH);

        edit(ns, "demo", c -> {
            c.getSpec().placement = new PlacementSpec();
            c.getSpec().placement.strategy = PlacementSpec.Strategy.HASH;
        });
        await(() -> "hash".equals(get(ConfigMap.class, ns, "demo-config").getData().get("FLOW_PLACEMENT_STRATEGY")) ? true : null);
        await(() -> !hash.equals(get(StatefulSet.class, ns, "demo").getSpec().getTemplate().getMetadata().getAnnotations()
                .get(Hashes.CONFIG_HASH)) ? true : null);

        edit(ns, "demo", c -> {
            c.getSpec().image = "flowcluster/flowcluster-server:0.1.1";
            c.getSpec().database = new DatabaseSpec();
            c.getSpec().database.embedded = new DatabaseSpec.Embedded();
            c.getSpec().database.embedded.size = "9Gi";
        });
        await(() -> "flowcluster/flowcluster-server:0.1.1".equals(get(StatefulSet.class, ns, "demo").getSpec().getTemplate()
                .getSpec().getContainers().get(0).getImage()) ? true : null);
        assertThat(get(StatefulSet.class, ns, "demo-db").getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources()
                .getRequests().get("storage").toString()).as("volume claim templates are immutable").isEqualTo("1Gi");

        edit(ns, "demo", c -> {
            c.getSpec().database = new DatabaseSpec();
            c.getSpec().database.external = new DatabaseSpec.External();
            c.getSpec().database.external.secretRef = new DatabaseSpec.SecretRef();
            c.getSpec().database.external.secretRef.name = "shared-pg";
        });
        await(() -> get(StatefulSet.class, ns, "demo-db") == null ? true : null);
        // the server's StatefulSet is written after the embedded database is gone, in the same reconciliation
        await(() -> get(StatefulSet.class, ns, "demo").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("QUARKUS_DATASOURCE_JDBC_URL"))
                .anyMatch(e -> "shared-pg".equals(e.getValueFrom().getSecretKeyRef().getName())) ? true : null);
    }

    /** Edits the spec as a user would; retried when it races with the operator's status write, as kubectl does. */
    @Test
    void servesHealthAndMetrics() {
        io.restassured.RestAssured.get("/q/health/ready").then().statusCode(200);
        client.resource(flowCluster("metrics", "demo", 1)).create();
        await(() -> get(StatefulSet.class, "metrics", "demo"));
        assertThat(io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString())
                .contains("flowcluster_reconciliations_total");
    }

    private void edit(String ns, String name, java.util.function.Consumer<FlowCluster> change) {
        org.awaitility.Awaitility.await().atMost(WAIT).ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
                .until(() -> client.resources(FlowCluster.class).inNamespace(ns).withName(name).edit(fc -> {
                    change.accept(fc);
                    return fc;
                }) != null);
    }

    private <T extends HasMetadata> T get(Class<T> type, String ns, String name) {
        return client.resources(type).inNamespace(ns).withName(name).get();
    }

    private static Condition condition(FlowCluster fc, String type) {
        return fc.getStatus().conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    private <T> T await(Supplier<T> probe) {
        Object[] found = new Object[1];
        try {
            org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                found[0] = probe.get();
                return found[0] != null;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // say what the operator reported, so that a failure explains itself
            throw new AssertionError(e.getMessage() + "; statuses: " + client.resources(FlowCluster.class).inAnyNamespace().list()
                    .getItems().stream().map(c -> c.getMetadata().getNamespace() + ": " + io.fabric8.kubernetes.client.utils.Serialization.asJson(c.getStatus()))
                    .toList(), e);
        }
        @SuppressWarnings("unchecked")
        T result = (T) found[0];
        return result;
    }
}
