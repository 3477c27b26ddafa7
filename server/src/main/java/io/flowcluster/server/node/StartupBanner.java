package io.flowcluster.server.node;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Tells the person who started the node where to reach it. */
@Singleton
public class StartupBanner {

    void announce(@Observes StartupEvent event, LocalNode node,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "localhost") String host,
            @ConfigProperty(name = "quarkus.http.port") int port) {
        String shown = host.equals("0.0.0.0") ? "localhost" : host;
        System.out.println("FlowCluster node " + node.id() + " ready: http://" + shown + ":" + port + "/ (dashboard), /api/v1/jobs");
    }
}
