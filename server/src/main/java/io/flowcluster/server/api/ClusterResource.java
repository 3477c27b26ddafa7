package io.flowcluster.server.api;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.store.ClusterStore;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@SecurityRequirement(name = "apiToken")
public class ClusterResource {

    private final ClusterStore store;
    private final FlowConfig config;
    private final LocalNode node;

    ClusterResource(ClusterStore store, FlowConfig config, LocalNode node) {
        this.store = store;
        this.config = config;
        this.node = node;
    }

    @GET
    @Operation(summary = "Members, their load, the scheduler and the ring epoch")
    public ClusterView get() {
        return ClusterView.of(config.cluster().name(), config.coordination(), node.id(), store.leaseHolder(),
                store.ringState(), store.nodes(config.cluster().nodeTimeout()));
    }

    @POST
    @Path("members/{id}/drain")
    @Operation(summary = "Drain a member: no new work; its jobs move to others at step boundaries",
            description = "The member's state turns from draining to drained once it owns and runs nothing")
    public ClusterView.MemberView drain(@PathParam("id") String id) {
        return setDraining(id, true);
    }

    @DELETE
    @Path("members/{id}/drain")
    @Operation(summary = "Take a drained or draining member back into the ring")
    public ClusterView.MemberView resume(@PathParam("id") String id) {
        return setDraining(id, false);
    }

    private ClusterView.MemberView setDraining(String id, boolean draining) {
        if (!store.setDraining(id, draining)) {
            throw new ProblemException(ProblemException.Type.NOT_FOUND, "no member '" + id + "' in this cluster");
        }
        return get().members().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }
}
