package io.flowcluster.server.api;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.job.FieldError;
import io.flowcluster.server.schedule.ScheduleSpec;
import io.flowcluster.server.schedule.ScheduleValidator;
import io.flowcluster.server.scheduler.ScheduleFiring;
import io.flowcluster.server.store.JobStore;
import io.flowcluster.server.store.ScheduleStore;
import io.flowcluster.server.store.StoredSchedule;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

@Path("/api/v1/schedules")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@SecurityRequirement(name = "apiToken")
public class ScheduleResource {

    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;
    static final int LAST_RUNS = 10;

    private final ScheduleStore store;
    private final JobStore jobs;
    private final RequestReader reader;
    private final ScheduleValidator validator;
    private final ScheduleFiring firing;

    ScheduleResource(ScheduleStore store, JobStore jobs, RequestReader reader, FlowConfig config, ScheduleFiring firing) {
        this.store = store;
        this.jobs = jobs;
        this.reader = reader;
        this.validator = new ScheduleValidator(JobResource.jobValidator(config));
        this.firing = firing;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a schedule", description = "201 with the schedule; 409 when one of that name exists")
    public Response create(byte[] body, UriInfo uri) {
        ScheduleSpec spec = valid(reader.read(body, ScheduleSpec.class));
        Instant now = Instant.now();
        if (!store.create(spec, now, spec.trigger(now).next(now))) {
            throw new ProblemException(ProblemException.Type.SCHEDULE_EXISTS,
                    "a schedule named '" + spec.name() + "' exists; PUT /api/v1/schedules/" + spec.name() + " replaces it");
        }
        firing.wake();
        return Response.created(uri.getAbsolutePathBuilder().path(spec.name()).build()).entity(view(spec.name())).build();
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a schedule",
            description = "Its ticks count anew from now; what its earlier ticks became stays. 201 when created, 200 when replaced")
    public Response put(@PathParam("name") String name, byte[] body, UriInfo uri) {
        ScheduleSpec given = reader.read(body, ScheduleSpec.class);
        if (given.name() != null && !given.name().equals(name)) {
            throw ProblemException.invalid(List.of(new FieldError("name", "is '" + given.name() + "' but the path names '" + name
                    + "'; leave it out or make them the same")));
        }
        ScheduleSpec spec = valid(given.named(name));
        Instant now = Instant.now();
        Optional<Instant> first = spec.trigger(now).next(now);
        boolean created = store.replace(spec, now, first).isEmpty() && store.create(spec, now, first);
        firing.wake();
        return (created ? Response.created(uri.getAbsolutePath()) : Response.ok()).entity(view(name)).build();
    }

    @GET
    @Operation(summary = "List schedules by name", description = "Page with 'after' (the last name seen) and 'limit'")
    public ScheduleListView list(@QueryParam("after") @DefaultValue("") String after,
            @QueryParam("limit") @DefaultValue("" + DEFAULT_PAGE) String limit) {
        int n = JobResource.parseInt("limit", limit, 1, MAX_PAGE);
        List<ScheduleView> items = store.list(after, n).stream().map(s -> ScheduleView.of(s, null)).toList();
        return new ScheduleListView(items, items.size() == n ? items.get(n - 1).name() : null);
    }

    @GET
    @Path("{name}")
    @Operation(summary = "A schedule with its next fire times and its last runs")
    public ScheduleView get(@PathParam("name") String name) {
        return view(name);
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Delete a schedule", description = "It fires no more; the jobs it made stay")
    public Response delete(@PathParam("name") String name) {
        if (!store.delete(name)) {
            throw notFound(name);
        }
        return Response.noContent().build();
    }

    private ScheduleSpec valid(ScheduleSpec spec) {
        List<FieldError> errors = validator.validate(spec);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return spec;
    }

    private ScheduleView view(String name) {
        StoredSchedule schedule = store.find(name).orElseThrow(() -> notFound(name));
        return ScheduleView.of(schedule, jobs.runs(name, LAST_RUNS));
    }

    private static ProblemException notFound(String name) {
        return new ProblemException(ProblemException.Type.NOT_FOUND, "no schedule named '" + name + "'");
    }
}
