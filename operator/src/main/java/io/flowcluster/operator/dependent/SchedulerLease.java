package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.flowcluster.operator.desired.CoordinationObjects;

/** The scheduler Lease: created here so that the nodes' Role can name it; the nodes hold and renew it. */
public class SchedulerLease extends CreatedOnce<Lease> {

    public SchedulerLease() {
        super(Lease.class, CoordinationObjects::schedulerLease);
    }
}
