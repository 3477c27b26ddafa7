package io.flowcluster.e2e.packaging;

import static io.flowcluster.e2e.harness.Repository.CHART;
import static io.flowcluster.e2e.harness.Repository.CRD;
import static io.flowcluster.e2e.harness.Repository.INSTALL;
import static io.flowcluster.e2e.harness.Repository.NAMESPACE;
import static io.flowcluster.e2e.harness.Repository.TESTED_KUBERNETES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart, through Helm itself (helm-java: Helm's own code, native, from Maven
 * Central): it lints clean, renders what each setting asks for, ships the committed CRD,
 * and manifests/install.yaml is its render (one source of truth). Run with
 * {@code -Dflowcluster.update-manifests=true} to rewrite install.yaml after changing the chart.
 */
class ChartTest {

    private static final ObjectMapper YAML = new YAMLMapper();

    @Test
    void lintsCleanWithDefaultValues() {
        assertClean(new Helm(CHART).lint().strict().call());
    }

    @Test
    void lintsCleanWithEveryOptionTurned(@TempDir Path dir) throws IOException {
        Path copy = copyChart(dir);
        Files.writeString(copy.resolve("values.yaml"), Files.readString(CHART.resolve("values.yaml"))
                + """
                replicas: 2
                watchNamespaces: [team-a, team-b]
                crds:
                  create: false
                metrics:
                  enabled: false
                  annotations: false
                logLevel: DEBUG
                nodeSelector: {kubernetes.io/os: linux}
                podAnnotations: {example.org/owner: platform}
                """.replace("crds:\n  create: true\n", ""));
        assertClean(new Helm(copy).lint().strict().call());
    }

    @Test
    void rendersTheOperatorWithClusterWideRbacAndTheCommittedCrdKeptOnUninstall() throws IOException {
        List<JsonNode> docs = documents(new Helm(CHART).template().withKubeVersion(TESTED_KUBERNETES).withName("flowcluster-operator").withNamespace(NAMESPACE).call());
        JsonNode crd = only(docs, "CustomResourceDefinition");
        assertThat(crd.at("/metadata/annotations/helm.sh~1resource-policy").asText()).isEqualTo("keep");
        assertThat(numbersAsWritten(crd.get("spec"))).as("the chart's CRD is the committed one")
                .isEqualTo(numbersAsWritten(YAML.readTree(CRD.toFile()).get("spec")));
        assertThat(only(docs, "ClusterRole").get("rules").toString()).contains("flowclusters/status", "statefulsets", "leases");
        JsonNode container = only(docs, "Deployment").at("/spec/template/spec/containers/0");
        assertThat(container.get("image").asText()).isEqualTo("flowcluster/flowcluster-operator:0.1.0");
        assertThat(env(container, "QUARKUS_OPERATOR_SDK_NAMESPACES")).isEqualTo("JOSDK_ALL_NAMESPACES");
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(kinds(docs)).contains("Service");
        assertThat(docs).filteredOn(d -> d.get("kind").asText().equals("Role")).as("only the leader-election Role")
                .singleElement().satisfies(r -> assertThat(r.at("/metadata/name").asText()).endsWith("-leader"));
    }

    @Test
    void watchedNamespacesGetARoleEachAndNoClusterRole() throws IOException {
        List<JsonNode> docs = documents(new Helm(CHART).template().withKubeVersion(TESTED_KUBERNETES).withName("ops").withNamespace(NAMESPACE)
                .set("watchNamespaces[0]", "team-a").set("watchNamespaces[1]", "team-b").set("crds.create", "false")
                .set("metrics.enabled", "false").set("replicas", "2").call());
        assertThat(kinds(docs)).doesNotContain("ClusterRole", "CustomResourceDefinition", "Service");
        assertThat(docs.stream().filter(d -> d.get("kind").asText().equals("Role") && d.at("/metadata/name").asText().equals("ops"))
                .map(d -> d.at("/metadata/namespace").asText())).containsExactlyInAnyOrder("team-a", "team-b");
        JsonNode deployment = only(docs, "Deployment");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(env(deployment.at("/spec/template/spec/containers/0"), "QUARKUS_OPERATOR_SDK_NAMESPACES")).isEqualTo("team-a,team-b");
    }

    @Test
    void theChartRefusesAKubernetesOlderThanItSupports() {
        assertThatThrownBy(() -> new Helm(CHART).template().withKubeVersion("1.28.9").withName("flowcluster-operator").call())
                .hasMessageContaining("kubeVersion: >=1.29.0-0");
    }

    @Test
    void installYamlIsTheChartsRender() throws IOException {
        String rendered = new Helm(CHART).template().withKubeVersion(TESTED_KUBERNETES).withName("flowcluster-operator").withNamespace(NAMESPACE).call();
        String expected = """
                # The FlowCluster operator and its CRD, rendered from charts/flowcluster-operator
                # (release flowcluster-operator, namespace flowcluster-system). Do not edit: ChartTest
                # fails when this drifts from the chart; -Dflowcluster.update-manifests=true rewrites it.
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: flowcluster-system
                """ + rendered.replaceAll("(?m)^\\s+helm\\.sh/chart: .*\\n", "")
                .replaceAll("(?m)^\\s+app\\.kubernetes\\.io/managed-by: Helm\\n", "");
        if (Boolean.getBoolean("flowcluster.update-manifests")) {
            Files.writeString(INSTALL, expected);
        }
        assertThat(Files.readString(INSTALL)).as("manifests/install.yaml is stale; rerun with -Dflowcluster.update-manifests=true")
                .isEqualTo(expected);
    }

    /** Helm writes 1.0 as 1: the same schema either way. */
    private static String numbersAsWritten(JsonNode node) {
        return node.toString().replaceAll("(\\d)\\.0([,}\\]])", "$1$2");
    }

    private static void assertClean(LintResult result) {
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            var iterator = YAML.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                JsonNode doc = iterator.next();
                if (doc != null && doc.has("kind")) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    private static JsonNode only(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> d.get("kind").asText().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private static List<String> kinds(List<JsonNode> docs) {
        return docs.stream().map(d -> d.get("kind").asText()).toList();
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode e : container.get("env")) {
            if (e.get("name").asText().equals(name)) {
                return e.get("value").asText();
            }
        }
        return null;
    }

    private static Path copyChart(Path dir) throws IOException {
        Path target = dir.resolve("flowcluster-operator");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(CHART.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }
}
