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
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@SecurityRequirement(name = "apiToken")
public class ClusterResource {

    private static final Duration RING_APPLY_WAIT = Duration.ofSeconds(3);

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
        switch (store.setDraining(id, draining, config.cluster().nodeTimeout())) {
            case NO_SUCH_MEMBER -> throw new ProblemException(ProblemException.Type.NOT_FOUND, "no member '" + id + "' in this cluster");
            case MEMBER_DEAD -> throw new ProblemException(ProblemException.Type.MEMBER_DEAD, "member '" + id
                    + "' is dead: its work has moved to the others already; there is nothing to drain");
            case CHANGED -> awaitRing(id, draining);
        }
        return get().members().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * The scheduler applies the change to the ring within a pass: the answer shows the member
     * as it is then, not as it was (bounded: with no scheduler, the ring changes later).
     */
    private void awaitRing(String id, boolean draining) {
        long deadline = System.nanoTime() + RING_APPLY_WAIT.toNanos();
        while (store.ringState().draining().contains(id) != draining && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
