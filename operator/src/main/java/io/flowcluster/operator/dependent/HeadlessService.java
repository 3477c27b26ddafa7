package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.flowcluster.operator.desired.ServerObjects;

/** The headless Service that gives every server pod its stable name. */
public class HeadlessService extends Kept<Service> {

    public HeadlessService() {
        super(Service.class, ServerObjects::headlessService);
    }
}
