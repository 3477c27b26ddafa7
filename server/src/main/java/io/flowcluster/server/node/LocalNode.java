package io.flowcluster.server.node;

import io.flowcluster.server.config.FlowConfig;
import jakarta.inject.Singleton;
import java.util.UUID;

/** Who this process is: its node id, and an incarnation id new at every start. */
@Singleton
public class LocalNode {

    private final String id;
    private final UUID incarnation = UUID.randomUUID();

    LocalNode(FlowConfig config) {
        this.id = config.node().id();
    }

    public String id() {
        return id;
    }

    public UUID incarnation() {
        return incarnation;
    }
}
