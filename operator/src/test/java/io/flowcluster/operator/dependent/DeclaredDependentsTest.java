package io.flowcluster.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.flowcluster.operator.crd.ApiSpec;
import io.flowcluster.operator.crd.DatabaseSpec;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterSpec;
import io.flowcluster.operator.reconciler.FlowClusterReconciler;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** What the reconciler's workflow declares, read from its annotation: which objects, kept or created once, under which preconditions. */
class DeclaredDependentsTest {

    private record Entry(Dependent dependent, DependentResource<?, FlowCluster> resource) {

        HasMetadata object(FlowCluster fc) {
            return ((Declared<?>) resource).build(fc);
        }

        String name(FlowCluster fc) {
            return object(fc).getKind() + "/" + object(fc).getMetadata().getName();
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        boolean holds(FlowCluster fc) {
            if (dependent.reconcilePrecondition() == Condition.class) {
                return true;
            }
            try {
                Condition condition = dependent.reconcilePrecondition().getConstructor().newInstance();
                return condition.isMet(resource, fc, null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Entry> declared() throws ReflectiveOperationException {
        List<Entry> declared = new java.util.ArrayList<>();
        for (Dependent d : FlowClusterReconciler.class.getAnnotation(Workflow.class).dependents()) {
            declared.add(new Entry(d, (DependentResource<?, FlowCluster>) d.type().getConstructor().newInstance()));
        }
        return declared;
    }

    private static FlowCluster cluster() {
        FlowCluster fc = new FlowCluster();
        fc.getMetadata().setName("demo");
        fc.getMetadata().setNamespace("ns");
        fc.setSpec(new FlowClusterSpec());
        return fc;
    }

    private static List<String> names(FlowCluster fc, Predicate<Entry> which) throws ReflectiveOperationException {
        List<String> names = new java.util.ArrayList<>();
        for (Entry d : declared()) {
            if (which.test(d)) {
                names.add(d.name(fc));
            }
        }
        return names;
    }

    @Test
    void byDefaultItOwnsAnEmbeddedDatabaseAndAGeneratedTokenWhichItCreatesOnce() throws Exception {
        FlowCluster fc = cluster();
        assertThat(names(fc, d -> d.holds(fc))).containsExactly("Secret/demo-api-token", "Secret/demo-db", "Service/demo-db",
                "StatefulSet/demo-db", "ServiceAccount/demo", "Role/demo", "RoleBinding/demo", "ConfigMap/demo-config",
                "Service/demo", "Service/demo-nodes", "PodDisruptionBudget/demo", "Lease/demo-scheduler",
                "ConfigMap/demo-scheduler-state");
        assertThat(names(fc, d -> !(d.resource() instanceof Updater))).as("created once, never updated")
                .containsExactly("Secret/demo-api-token", "Secret/demo-db", "Lease/demo-scheduler", "ConfigMap/demo-scheduler-state");
        for (Entry d : declared()) {
            assertThat(d.object(fc).getMetadata().getNamespace()).isEqualTo("ns");
            assertThat(d.dependent().useEventSourceWithName()).as("%s reads its kind's informer", d.name(fc))
                    .isEqualTo(d.object(fc).getKind());
        }
        Secret token = (Secret) declared().get(0).object(fc);
        assertThat(token.getStringData().get("token")).as("a fresh random token each time one is made").hasSize(64)
                .isNotEqualTo(((Secret) declared().get(0).object(fc)).getStringData().get("token"));
    }

    @Test
    void anExternalDatabaseAndAGivenTokenLeaveTheEmbeddedDatabaseToBeDeletedAndNoSecretToGenerate() throws Exception {
        FlowCluster fc = cluster();
        fc.getSpec().database = new DatabaseSpec();
        fc.getSpec().database.external = new DatabaseSpec.External();
        fc.getSpec().database.external.secretRef = new DatabaseSpec.SecretRef();
        fc.getSpec().database.external.secretRef.name = "pg";
        fc.getSpec().api = new ApiSpec();
        fc.getSpec().api.tokenSecretRef = new ApiSpec.TokenSecretRef();
        fc.getSpec().api.tokenSecretRef.name = "mine";

        List<String> off = names(fc, d -> !d.holds(fc));
        assertThat(off).containsExactly("Secret/demo-api-token", "Secret/demo-db", "Service/demo-db", "StatefulSet/demo-db");
        assertThat(names(fc, d -> off.contains(d.name(fc)) && d.resource() instanceof Deleter))
                .as("JOSDK deletes what a failed precondition turns off only where it may: not the secrets")
                .containsExactly("Service/demo-db", "StatefulSet/demo-db");
    }
}
