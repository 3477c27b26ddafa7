package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.flowcluster.operator.desired.ServerObjects;

/** The Service clients call the API through. */
public class ClientService extends Kept<Service> {

    public ClientService() {
        super(Service.class, ServerObjects::clientService);
    }
}
