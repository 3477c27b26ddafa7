package io.flowcluster.contract;

/**
 * The objects through which the operator and the scheduler coordinate, named after the
 * FlowCluster. The operator creates them (so that the server's Role can name them in
 * {@code resourceNames}); the server finds them by these names.
 */
public final class CoordinationNames {

    private CoordinationNames() {
    }

    /** The {@code coordination.k8s.io/v1} Lease that elects the scheduler. */
    public static String schedulerLease(String cluster) {
        return cluster + "-scheduler";
    }

    /** The ConfigMap the operator writes and the scheduler follows: {@link DesiredRing}. */
    public static String ring(String cluster) {
        return cluster + "-ring";
    }

    /** The ConfigMap the scheduler writes what it applied into: {@link SchedulerState}. */
    public static String schedulerState(String cluster) {
        return cluster + "-scheduler-state";
    }
}
