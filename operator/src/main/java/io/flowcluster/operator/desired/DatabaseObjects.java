package io.flowcluster.operator.desired;

import static io.flowcluster.operator.crd.Defaults.orDefault;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.flowcluster.operator.crd.DatabaseSpec;
import io.flowcluster.operator.crd.Defaults;
import io.flowcluster.operator.crd.FlowCluster;
import java.util.Map;
import java.util.Optional;

/** The embedded PostgreSQL: one pod with a volume, its Service, and its credentials. */
public final class DatabaseObjects {

    static final String USER = "flowcluster";
    static final String DATABASE = "flowcluster";
    static final long POSTGRES_UID = 999;

    private DatabaseObjects() {
    }

    public static Optional<DatabaseSpec.External> external(FlowCluster fc) {
        return Optional.ofNullable(fc.getSpec().database).map(d -> d.external);
    }

    /** Embedded unless an external database is given: the default needs no setup. */
    public static boolean embedded(FlowCluster fc) {
        return external(fc).isEmpty();
    }

    private static DatabaseSpec.Embedded spec(FlowCluster fc) {
        return Optional.ofNullable(fc.getSpec().database).map(d -> d.embedded).orElseGet(DatabaseSpec.Embedded::new);
    }

    /** Its credentials; created once with a generated password, never replaced. */
    public static Secret credentials(FlowCluster fc, String password) {
        String url = "jdbc:postgresql://" + Names.database(fc) + ":" + Names.POSTGRES_PORT + "/" + DATABASE;
        return new SecretBuilder().withMetadata(Meta.of(fc, Names.database(fc), Names.DATABASE))
                .withStringData(Map.of(Defaults.URL_KEY, url, Defaults.USER_KEY, USER, Defaults.PASSWORD_KEY, password))
                .build();
    }

    public static Service service(FlowCluster fc) {
        return new ServiceBuilder().withMetadata(Meta.of(fc, Names.database(fc), Names.DATABASE))
                .withNewSpec().withSelector(Names.selector(fc, Names.DATABASE))
                .addNewPort().withName("postgres").withPort(Names.POSTGRES_PORT)
                .withTargetPort(new IntOrString(Names.POSTGRES_PORT)).endPort()
                .endSpec().build();
    }

    /** Its volume goes with the FlowCluster (retention policy Delete): deleting the cluster leaves nothing. */
    public static StatefulSet statefulSet(FlowCluster fc) {
        DatabaseSpec.Embedded spec = spec(fc);
        return new StatefulSetBuilder().withMetadata(Meta.of(fc, Names.database(fc), Names.DATABASE))
                .withNewSpec()
                .withReplicas(1)
                .withServiceName(Names.database(fc))
                .withNewSelector().withMatchLabels(Names.selector(fc, Names.DATABASE)).endSelector()
                .withNewPersistentVolumeClaimRetentionPolicy().withWhenDeleted("Delete").withWhenScaled("Retain")
                .endPersistentVolumeClaimRetentionPolicy()
                .withNewTemplate()
                .withNewMetadata().withLabels(Names.labels(fc, Names.DATABASE)).endMetadata()
                .withNewSpec()
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(POSTGRES_UID).withRunAsGroup(POSTGRES_UID)
                .withFsGroup(POSTGRES_UID).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addNewContainer()
                .withName("postgres")
                .withImage(orDefault(spec.image, Defaults.DB_IMAGE))
                // the job tables' statistics follow a burst of jobs within seconds, not a minute (see the server's migration V13)
                .withArgs("-c", "autovacuum_naptime=10s")
                .addNewEnv().withName("POSTGRES_DB").withValue(DATABASE).endEnv()
                .addToEnv(ServerObjects.secretRef("POSTGRES_USER", Names.database(fc), Defaults.USER_KEY))
                .addToEnv(ServerObjects.secretRef("POSTGRES_PASSWORD", Names.database(fc), Defaults.PASSWORD_KEY))
                .addNewEnv().withName("PGDATA").withValue("/var/lib/postgresql/data/pgdata").endEnv()
                .addNewPort().withName("postgres").withContainerPort(Names.POSTGRES_PORT).endPort()
                .withNewReadinessProbe().withNewExec().withCommand("pg_isready", "-U", USER, "-d", DATABASE).endExec()
                .withPeriodSeconds(5).endReadinessProbe()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .addNewVolumeMount().withName("data").withMountPath("/var/lib/postgresql/data").endVolumeMount()
                .addNewVolumeMount().withName("run").withMountPath("/var/run/postgresql").endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("run").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec()
                .endTemplate()
                .addNewVolumeClaimTemplate()
                .withNewMetadata().withName("data").withLabels(Names.labels(fc, Names.DATABASE)).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(spec.storageClass)
                .withNewResources().withRequests(Map.of("storage", new Quantity(orDefault(spec.size, Defaults.DB_SIZE))))
                .endResources().endSpec()
                .endVolumeClaimTemplate()
                .endSpec().build();
    }
}
