package io.flowcluster.e2e.harness;

import java.nio.file.Path;

/** Where the tests find what the repository ships: the chart, the CRD, the rendered install manifest. */
public final class Repository {

    /** The repository's root, seen from this module's directory, where Maven runs its tests. */
    public static final Path ROOT = Path.of("../..");
    public static final Path CHART = ROOT.resolve("charts/flowcluster-operator");
    public static final Path CRD = ROOT.resolve("crds/flowclusters.flowcluster.io-v1.yml");
    public static final Path INSTALL = ROOT.resolve("manifests/install.yaml");
    /** The namespace the chart and install.yaml put the operator in. */
    public static final String NAMESPACE = "flowcluster-system";
    /** The version the real-API-server tests run; helm template would assume 1.20 otherwise. */
    public static final String TESTED_KUBERNETES = "1.34.9";

    private Repository() {
    }
}
