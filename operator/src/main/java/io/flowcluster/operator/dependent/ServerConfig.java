package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.flowcluster.operator.desired.ServerObjects;

/** The server's settings (FLOW_* variables) from the spec. */
public class ServerConfig extends Kept<ConfigMap> {

    public ServerConfig() {
        super(ConfigMap.class, ServerObjects::config);
    }
}
