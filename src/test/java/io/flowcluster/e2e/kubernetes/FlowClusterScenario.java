package io.flowcluster.e2e.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.flowcluster.e2e.harness.ArgoHealth;
import io.flowcluster.e2e.harness.Kubelet;
import io.flowcluster.e2e.harness.ServerProcess;
import io.flowcluster.e2e.harness.TestCluster;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A FlowCluster {@code flow} on an API server, its servers run by a {@link Kubelet} on an
 * external database of the test's, and the steps of the end-to-end scenarios, each asserting
 * what a user would look for.
 */
final class FlowClusterScenario {

    static final String NAME = "flow";
    private static final ResourceDefinitionContext FLOW_CLUSTERS = new ResourceDefinitionContext.Builder()
            .withGroup("flowcluster.io").withVersion("v1alpha1").withKind("FlowCluster").withPlural("flowclusters")
            .withNamespaced(true).build();

    private final KubernetesClient client;
    private final String namespace;
    private final EmbeddedDatabase db;

    FlowClusterScenario(KubernetesClient client, String namespace, EmbeddedDatabase db) {
        this.client = client;
        this.namespace = namespace;
        this.db = db;
    }

    /** The Secret of the external database, then the FlowCluster; until it is Ready, Argo CD sees it Progressing. */
    void create(int replicas) throws Exception {
        client.resource(new SecretBuilder().withNewMetadata().withName("flow-postgres").withNamespace(namespace).endMetadata()
                .withStringData(Map.of("url", db.jdbcUrl(), "user", EmbeddedDatabase.USER, "password", "")).build()).create();
        GenericKubernetesResource fc = new GenericKubernetesResource();
        fc.setApiVersion("flowcluster.io/v1alpha1");
        fc.setKind("FlowCluster");
        fc.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(namespace).build());
        fc.setAdditionalProperty("spec", Map.of("replicas", replicas,
                "database", Map.of("external", Map.of("secretRef", Map.of("name", "flow-postgres")))));
        client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(namespace).resource(fc).create();
        assertThat(argoHealth()).containsEntry("status", "Progressing");
    }

    /** What a server node needs besides its pod's environment: where the API server is. */
    static Map<String, String> nodeSettings(String apiUrl) {
        return Map.of("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiUrl, "QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS", "true",
                "QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "8");
    }

    void awaitStatefulSet() {
        await().atMost(Duration.ofSeconds(60)).until(() -> client.apps().statefulSets().inNamespace(namespace).withName(NAME).get() != null);
    }

    /** Ready with these ring members, and Argo CD's health check, run on the live object, says Healthy. */
    void awaitReady(String members) throws Exception {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> "True".equals(condition("Ready")) && members.equals(ring().get("members")));
        assertThat(argoHealth()).containsEntry("status", "Healthy");
    }

    /**
     * The objects the spec alone decides, as the operator declares them (applied server-side):
     * one that is deleted comes back, a Role someone narrowed is taken back, and the
     * reconciliations that do so rewrite none of the others.
     */
    void ownedObjectsStayAsDeclared() {
        Map<String, String> before = versionsOfOwned();
        client.configMaps().inNamespace(namespace).withName(NAME + "-config").delete();
        Role role = client.rbac().roles().inNamespace(namespace).withName(NAME).get();
        List<PolicyRule> rules = role.getRules();
        // narrowed where the servers do not ask again meanwhile (their watch of the ring, open since
        // they started), so that no server is refused while it lasts: nobodyWasForbidden checks that
        role.setRules(rules.stream()
                .map(r -> r.getVerbs().contains("watch") ? new PolicyRuleBuilder(r).withVerbs("get").build() : r).toList());
        assertThat(role.getRules()).as("a rule narrowed").isNotEqualTo(rules);
        client.resource(role).update();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                client.configMaps().inNamespace(namespace).withName(NAME + "-config").get() != null
                        && rules.equals(client.rbac().roles().inNamespace(namespace).withName(NAME).get().getRules()));
        Map<String, String> after = versionsOfOwned();
        before.keySet().removeAll(List.of("Role", "ConfigMap/" + NAME + "-config"));
        after.keySet().removeAll(List.of("Role", "ConfigMap/" + NAME + "-config"));
        assertThat(after).as("resource versions of the objects nobody touched").isEqualTo(before);
    }

    private Map<String, String> versionsOfOwned() {
        Map<String, String> versions = new java.util.TreeMap<>();
        List<HasMetadata> owned = new ArrayList<>();
        owned.addAll(client.services().inNamespace(namespace).list().getItems());
        owned.addAll(client.configMaps().inNamespace(namespace).withLabel("app.kubernetes.io/component", "server").list().getItems());
        owned.addAll(client.secrets().inNamespace(namespace).withLabel("app.kubernetes.io/instance", NAME).list().getItems());
        owned.add(client.serviceAccounts().inNamespace(namespace).withName(NAME).get());
        owned.add(client.rbac().roleBindings().inNamespace(namespace).withName(NAME).get());
        owned.add(client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(NAME).get());
        owned.forEach(o -> versions.put(o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        versions.put("Role", client.rbac().roles().inNamespace(namespace).withName(NAME).get().getMetadata().getResourceVersion());
        return versions;
    }

    /** Argo CD's health of the FlowCluster as the API server holds it now (argocd/health-flowcluster.lua). */
    Map<String, String> argoHealth() throws Exception {
        return ArgoHealth.health(TestCluster.JSON.writeValueAsString(flowCluster()));
    }

    /** kill -9 of the scheduler's node while jobs run: the ring drops it, the Lease moves, every job finishes. */
    void schedulerDiesAndEveryJobFinishes(Kubelet kubelet) throws Exception {
        String leader = leader();
        long epoch = Long.parseLong(ring().get("epoch"));
        ServerProcess any = kubelet.process("flow-0".equals(leader) ? "flow-1" : "flow-0");
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            jobs.add(submit(any, """
                    {"name": "e2e-%d", "steps": [{"name": "a", "shell": "sleep 1"},
                      {"name": "b", "shell": "sleep 1", "dependsOn": ["a"]}]}""".formatted(i)));
        }
        kubelet.process(leader).killHard();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> !ring().get("members").contains(leader));
        assertThat(Long.parseLong(ring().get("epoch"))).isGreaterThan(epoch);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String now = leader();
            return now != null && !now.equals(leader);
        });
        awaitSucceeded(any, jobs);
        await().atMost(Duration.ofSeconds(30)).until(() -> !leader.equals(flowCluster().at("/status/scheduler/leader").asText()));
    }

    /**
     * 3 to 2 while jobs keep coming: flow-2 drains, then leaves the ring before its pod goes;
     * from the moment the scheduler saw it draining, no attempt starts there.
     */
    void scaleDownNeverDispatchesToTheLeavingNode(Kubelet kubelet) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> kubelet.process("flow-2") != null && kubelet.process("flow-2").isAlive());
        awaitReady("flow-0,flow-1,flow-2");
        ServerProcess any = kubelet.process("flow-0");
        setSpec("replicas", 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> ring().getOrDefault("draining", "").contains("flow-2"));
        Instant draining = Instant.now();
        await().atMost(Duration.ofSeconds(10)).until(() -> flowCluster().at("/status/observedGeneration").asLong()
                == flowCluster().at("/metadata/generation").asLong());
        assertThat(argoHealth()).as("a healthy scale-down stays Healthy").containsEntry("status", "Healthy");
        List<String> jobs = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (client.apps().statefulSets().inNamespace(namespace).withName(NAME).get().getSpec().getReplicas() > 2
                && System.nanoTime() < deadline) {
            jobs.add(submit(any, """
                    {"name": "scale", "steps": [{"name": "a", "shell": "sleep 0.2"}]}"""));
            Thread.sleep(200);
        }
        assertThat(client.apps().statefulSets().inNamespace(namespace).withName(NAME).get().getSpec().getReplicas()).isEqualTo(2);
        assertThat(ring().get("members")).isEqualTo("flow-0,flow-1");
        for (int i = 0; i < 10; i++) { // and after it left: the ring no longer has it
            jobs.add(submit(any, """
                    {"name": "after-scale", "steps": [{"name": "a", "kind": "noop"}]}"""));
        }
        awaitSucceeded(any, jobs);
        assertThat(attemptsStartedOn("flow-2", draining.plusSeconds(2))).as("attempts started on flow-2 after it was draining").isZero();
    }

    /** No process's log shows an RBAC refusal: the operator and the servers had every verb they use. */
    void nobodyWasForbidden(Path dir, Kubelet kubelet, List<String> pods) throws IOException {
        assertThat(Files.readString(dir.resolve("operator.log"))).doesNotContain("Forbidden").doesNotContain("is forbidden");
        for (String pod : pods) {
            assertThat(kubelet.process(pod).output()).as("%s's log", pod).doesNotContain("Forbidden").doesNotContain("is forbidden");
        }
    }

    /** Edits the spec as a user would; retried when it races with the operator's status write (409), as kubectl does. */
    @SuppressWarnings("unchecked")
    void setSpec(String field, Object value) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
                .until(() -> {
                    client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(namespace).withName(NAME).edit(fc -> {
                        ((Map<String, Object>) fc.getAdditionalProperties().get("spec")).put(field, value);
                        return fc;
                    });
                    return true;
                });
    }

    void delete() {
        client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(namespace).withName(NAME).delete();
    }

    String submit(ServerProcess node, String json) throws IOException, InterruptedException {
        var r = node.post("/api/v1/jobs", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return TestCluster.JSON.readTree(r.body()).get("id").asText();
    }

    void awaitSucceeded(ServerProcess node, List<String> jobs) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> jobs.stream()
                .allMatch(id -> "SUCCEEDED".equals(job(node, id).path("state").asText())));
    }

    JsonNode flowCluster() {
        return TestCluster.JSON.valueToTree(client.genericKubernetesResources(FLOW_CLUSTERS).inNamespace(namespace).withName(NAME).get());
    }

    String condition(String type) {
        for (JsonNode c : flowCluster().path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c.path("status").asText();
            }
        }
        return null;
    }

    Map<String, String> ring() {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(NAME + "-ring").get();
        return cm == null ? Map.of("members", "", "epoch", "0") : cm.getData();
    }

    String leader() {
        Lease lease = client.leases().inNamespace(namespace).withName(NAME + "-scheduler").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private long attemptsStartedOn(String node, Instant after) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, "");
             PreparedStatement st = c.prepareStatement("select count(*) from step_attempt where node = ? and started_at > ?")) {
            st.setString(1, node);
            st.setTimestamp(2, Timestamp.from(after));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static JsonNode job(ServerProcess node, String id) {
        try {
            return TestCluster.JSON.readTree(node.get("/api/v1/jobs/" + id).body());
        } catch (IOException e) {
            return TestCluster.JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return TestCluster.JSON.createObjectNode();
        }
    }

    /** The processes' logs outlive the temporary directory, for reading after a failure. */
    static void keepLogs(Path dir, String as) throws IOException {
        Path logs = Files.createDirectories(Path.of("../../target/e2e").resolve(as));
        try (var files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(log, logs.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
