package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.flowcluster.operator.desired.DatabaseObjects;

/** The embedded database's Service; deleted when the spec switches to an external database. */
public class DatabaseService extends Kept<Service> {

    public DatabaseService() {
        super(Service.class, DatabaseObjects::service);
    }
}
