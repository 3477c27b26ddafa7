package io.flowcluster.server.cluster;

/**
 * The objects kubernetes coordination uses, named after the cluster. The operator creates
 * them (so that the server's RBAC can name them in {@code resourceNames}) and reads the state.
 */
public final class KubernetesNames {

    private KubernetesNames() {
    }

    /** The {@code coordination.k8s.io/v1} Lease that elects the scheduler. */
    public static String schedulerLease(String cluster) {
        return cluster + "-scheduler";
    }

    /** The ConfigMap the operator writes: desired members, draining members, epoch. */
    public static String ringConfigMap(String cluster) {
        return cluster + "-ring";
    }

    /** The ConfigMap the scheduler writes: what it applied, per member ({@link PublishedState} as JSON). */
    public static String stateConfigMap(String cluster) {
        return cluster + "-scheduler-state";
    }
}
