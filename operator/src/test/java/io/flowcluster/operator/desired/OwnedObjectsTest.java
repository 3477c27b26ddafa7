package io.flowcluster.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.flowcluster.operator.crd.ApiSpec;
import io.flowcluster.operator.crd.DatabaseSpec;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterSpec;
import io.flowcluster.operator.desired.OwnedObjects.Action;
import io.flowcluster.operator.desired.OwnedObjects.Owned;
import java.util.List;
import org.junit.jupiter.api.Test;

class OwnedObjectsTest {

    private static FlowCluster cluster() {
        FlowCluster fc = new FlowCluster();
        fc.getMetadata().setName("demo");
        fc.getMetadata().setNamespace("ns");
        fc.setSpec(new FlowClusterSpec());
        return fc;
    }

    private static List<String> named(List<Owned> owned, Action action) {
        return owned.stream().filter(o -> o.action() == action)
                .map(o -> o.object().getKind() + "/" + o.object().getMetadata().getName()).toList();
    }

    @Test
    void byDefaultItOwnsAnEmbeddedDatabaseAndAGeneratedTokenWhichItCreatesOnce() {
        List<Owned> owned = OwnedObjects.of(cluster(), () -> "secret");
        assertThat(named(owned, Action.CREATE)).containsExactly("Secret/demo-api-token", "Secret/demo-db",
                "Lease/demo-scheduler", "ConfigMap/demo-scheduler-state");
        assertThat(named(owned, Action.APPLY)).containsExactly("Service/demo-db", "StatefulSet/demo-db",
                "ServiceAccount/demo", "Role/demo", "RoleBinding/demo", "ConfigMap/demo-config", "Service/demo",
                "Service/demo-nodes", "PodDisruptionBudget/demo");
        assertThat(named(owned, Action.DELETE)).isEmpty();
        assertThat(owned).allSatisfy(o -> assertThat(o.object().getMetadata().getNamespace()).isEqualTo("ns"));
        assertThat(((Secret) owned.get(0).object()).getStringData()).containsValue("secret");
    }

    @Test
    void anExternalDatabaseAndAGivenTokenLeaveTheEmbeddedDatabaseToBeDeletedAndNoSecretToGenerate() {
        FlowCluster fc = cluster();
        fc.getSpec().database = new DatabaseSpec();
        fc.getSpec().database.external = new DatabaseSpec.External();
        fc.getSpec().database.external.secretRef = new DatabaseSpec.SecretRef();
        fc.getSpec().database.external.secretRef.name = "pg";
        fc.getSpec().api = new ApiSpec();
        fc.getSpec().api.tokenSecretRef = new ApiSpec.TokenSecretRef();
        fc.getSpec().api.tokenSecretRef.name = "mine";

        List<Owned> owned = OwnedObjects.of(fc, () -> {
            throw new AssertionError("no secret is generated");
        });

        assertThat(named(owned, Action.DELETE)).containsExactly("StatefulSet/demo-db", "Service/demo-db");
        assertThat(named(owned, Action.CREATE)).containsExactly("Lease/demo-scheduler", "ConfigMap/demo-scheduler-state");
    }
}
