package io.flowcluster.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.flowcluster.operator.crd.FlowCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * crds/ holds the CRD users install (kubectl, Helm, Argo CD). It must be what the Java model
 * generates: after changing the model, copy operator/target/kubernetes/flowclusters.flowcluster.io-v1.yml
 * (written by the build) to crds/ and to charts/flowcluster-operator/files/.
 */
class CrdDriftTest {

    static final Path COMMITTED = Path.of("../crds/flowclusters.flowcluster.io-v1.yml");
    static final Path IN_CHART = Path.of("../charts/flowcluster-operator/files/flowclusters.flowcluster.io-v1.yml");

    @Test
    void theCommittedCrdIsTheOneTheModelGenerates(@TempDir Path dir) throws Exception {
        new CRDGenerator().customResourceClasses(FlowCluster.class).forCRDVersions("v1").inOutputDir(dir.toFile()).generate();
        String generated = Files.readString(dir.resolve("flowclusters.flowcluster.io-v1.yml"));
        assertThat(Files.readString(COMMITTED))
                .as("crds/ is stale: copy operator/target/kubernetes/flowclusters.flowcluster.io-v1.yml there")
                .isEqualTo(generated);
    }

    /** Helm can only read files inside the chart: it carries a copy, which must not drift either. */
    @Test
    void theChartShipsTheCommittedCrd() throws Exception {
        assertThat(Files.readString(IN_CHART)).as("copy crds/flowclusters.flowcluster.io-v1.yml to the chart's files/")
                .isEqualTo(Files.readString(COMMITTED));
    }
}
