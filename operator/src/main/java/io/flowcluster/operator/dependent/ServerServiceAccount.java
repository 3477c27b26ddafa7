package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.flowcluster.operator.desired.ServerObjects;

/** The ServiceAccount the server pods run as. */
public class ServerServiceAccount extends Kept<ServiceAccount> {

    public ServerServiceAccount() {
        super(ServiceAccount.class, ServerObjects::serviceAccount);
    }
}
