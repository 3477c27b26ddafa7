package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.flowcluster.operator.desired.ServerObjects;

/** Binds the server's Role to its ServiceAccount. */
public class ServerRoleBinding extends Kept<RoleBinding> {

    public ServerRoleBinding() {
        super(RoleBinding.class, ServerObjects::roleBinding);
    }
}
