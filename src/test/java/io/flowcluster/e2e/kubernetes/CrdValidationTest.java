package io.flowcluster.e2e.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowcluster.e2e.harness.RealApiServer;
import io.flowcluster.e2e.harness.Repository;
import io.flowcluster.operator.crd.FlowCluster;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariant 10's first half where only a real API server can tell: the CRD refuses, with a
 * message that says what to change, every spec the operator could not realize, and accepts
 * the examples the README points to.
 */
class CrdValidationTest {

    private static RealApiServer api;

    @BeforeAll
    static void install() throws Exception {
        api = RealApiServer.startOrSkip();
        api.admin().load(Files.newInputStream(Repository.CRD)).serverSideApply();
        api.createNamespace("flow");
        // the API server needs a moment before it serves a new CRD
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> api.admin().resources(FlowCluster.class).inNamespace("flow").list() != null);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("a-name-of-forty-one-characters-is-too-lon", "", "metadata.name must be at most 40"),
                Arguments.of("dotted.name", "", "metadata.name must be at most 40"),
                Arguments.of("flow", "drainTimeout: 99999999999999999999m", "spec.drainTimeout"),
                Arguments.of("flow", "scheduler: {leaseDuration: 0s}", "spec.scheduler.leaseDuration"),
                Arguments.of("flow", "scheduler: {leaseDuration: 500ms, renewInterval: 2s}", "leaseDuration must be longer than renewInterval"),
                Arguments.of("flow", "scheduler: {leaseDuration: 2s, renewInterval: 2s}", "leaseDuration must be longer than renewInterval"),
                Arguments.of("flow", "retention: {finished: 0d}", "spec.retention.finished"),
                Arguments.of("flow", "retention: {finished: forever}", "spec.retention.finished"),
                Arguments.of("flow", "retention: {logBytesPerAttempt: 10}", "spec.retention.logBytesPerAttempt"),
                Arguments.of("flow", "retention: {logBytesPerAttempt: 9000000}", "spec.retention.logBytesPerAttempt"),
                Arguments.of("flow", "image: 'not an image!'", "spec.image"),
                Arguments.of("flow", "image: 'Registry/UPPER:tag'", "spec.image"),
                Arguments.of("flow", "replicas: 0", "spec.replicas"),
                Arguments.of("flow", "database: {embedded: {}, external: {secretRef: {name: pg}}}", "not both"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void aSpecTheOperatorCannotRealizeIsRefusedWithAReason(String name, String spec, String message) {
        KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, () -> create(name, spec));
        assertThat(e).as("%s %s was accepted", name, spec).isNotNull();
        assertThat(e.getCode()).isEqualTo(422);
        assertThat(e.getMessage()).contains(message);
        assertThat(api.admin().resources(FlowCluster.class).inNamespace("flow").withName(name).get()).isNull();
    }

    @Test
    void theLongestNameAndTheExamplesAreAccepted() throws Exception {
        create("a-name-of-forty-characters-is-just-right", "scheduler: {leaseDuration: 3s, renewInterval: 1s}");
        try (Stream<Path> examples = Files.list(Repository.ROOT.resolve("manifests/examples"))) {
            for (Path example : examples.toList()) {
                api.admin().load(Files.newInputStream(example)).inNamespace("flow").serverSideApply();
            }
        }
        assertThat(api.admin().resources(FlowCluster.class).inNamespace("flow").list().getItems()).hasSizeGreaterThanOrEqualTo(2);
    }

    private static void create(String name, String spec) {
        String yaml = """
                apiVersion: flowcluster.io/v1alpha1
                kind: FlowCluster
                metadata:
                  name: %s
                spec:
                  %s
                """.formatted(name, spec.isEmpty() ? "replicas: 3" : spec);
        api.admin().load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).inNamespace("flow").create();
    }
}
