package io.flowcluster.server.cluster;

import java.util.OptionalLong;

/** Elects the one scheduler. Implementations: the database row, or a Kubernetes Lease. */
public interface SchedulerLease {

    /** Takes the lease if free, renews it if held; the fencing epoch while this node holds it. */
    OptionalLong holdOrTake();

    /** Gives the lease up (at shutdown), so that a standby takes over at once. */
    void release();
}
