package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.flowcluster.operator.desired.ServerObjects;

/** The server's Role: the scheduler Lease, the ring and the published state, each by name. */
public class ServerRole extends Kept<Role> {

    public ServerRole() {
        super(Role.class, ServerObjects::role);
    }
}
