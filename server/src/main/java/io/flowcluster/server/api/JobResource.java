package io.flowcluster.server.api;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.job.FieldError;
import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobSpec;
import io.flowcluster.server.job.StepKind;
import io.flowcluster.server.job.JobState;
import io.flowcluster.server.job.JobValidator;
import io.flowcluster.server.job.StepState;
import io.flowcluster.server.job.WorkingDirs;
import io.flowcluster.server.metrics.FlowMetrics;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.store.AbortOutcome;
import io.flowcluster.server.store.IdempotencyKeyReusedException;
import io.flowcluster.server.store.JobPage;
import io.flowcluster.server.store.JobQuery;
import io.flowcluster.server.store.JobStore;
import io.flowcluster.server.store.LogLine;
import io.flowcluster.server.store.PacketProgress;
import io.flowcluster.server.store.PacketStore;
import io.flowcluster.server.store.PacketStore.StoredResult;
import io.flowcluster.server.store.StepRef;
import io.flowcluster.server.store.StoredJob;
import io.flowcluster.server.store.StoredAttempt;
import io.flowcluster.server.store.StoredMessage;
import io.flowcluster.server.store.StoredStep;
import io.flowcluster.server.store.Submission;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.apache.commons.codec.digest.DigestUtils;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@SecurityRequirement(name = "apiToken")
public class JobResource {

    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Visible ASCII: a key is compared, stored and echoed as it is. */
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1," + MAX_IDEMPOTENCY_KEY_LENGTH + "}");
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;
    static final int MAX_NAME_FILTER = 200;
    static final int MAX_BATCH = 1000;
    static final int DEFAULT_RESULTS_PAGE = 1000;
    static final int MAX_RESULTS_PAGE = 10_000;

    private final JobStore store;
    private final PacketStore packets;
    private final RequestReader reader;
    private final JobValidator validator;
    private final DistributionMode defaultDistribution;
    private final FlowMetrics metrics;
    private final LocalNode node;

    JobResource(JobStore store, PacketStore packets, RequestReader reader, FlowConfig config, FlowMetrics metrics,
            LocalNode node) {
        this.store = store;
        this.packets = packets;
        this.reader = reader;
        this.validator = jobValidator(config);
        this.defaultDistribution = config.distribution().mode();
        this.metrics = metrics;
        this.node = node;
    }

    /** What a job must be to be accepted, as this cluster's settings say: for a submission and for a schedule's job alike. */
    static JobValidator jobValidator(FlowConfig config) {
        return new JobValidator(config.api().maxSteps(), new WorkingDirs(config.worker().allowedWorkingDirs().orElse(List.of())));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job", description = "201 with the job; with an Idempotency-Key seen before, 200 with that job")
    public Response submit(byte[] body, @HeaderParam("Idempotency-Key") String idempotencyKey, UriInfo uri) {
        JobSpec spec = reader.read(body, JobSpec.class);
        List<FieldError> errors = validator.validate(spec);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Optional<String> key = Optional.ofNullable(idempotencyKey);
        if (key.isPresent() && !IDEMPOTENCY_KEY.matcher(key.get()).matches()) {
            throw new ProblemException(ProblemException.Type.INVALID_REQUEST,
                    "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " visible ASCII characters");
        }
        JobStore.PendingJob job = pendingJob(spec, key);
        Submission submission = stored(() -> List.of(store.submit(job)), false).get(0);
        Response.ResponseBuilder response = submission.created()
                ? Response.created(uri.getAbsolutePathBuilder().path(submission.jobId().toString()).build())
                : Response.ok().header("Location", uri.getAbsolutePathBuilder().path(submission.jobId().toString()).build())
                        .header("Idempotent-Replayed", "true");
        // a job created now is shown as its transaction stored it (no packets yet); a replay as it is now
        return response.entity(submission.createdAs().map(created -> view(created.job(), created.steps(), Map.of()))
                .orElseGet(() -> view(submission.jobId()))).build();
    }

    @POST
    @Path("batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit up to " + MAX_BATCH + " jobs in one transaction",
            description = "{\"jobs\": [{\"idempotencyKey\": \"...\", \"job\": {...}}]}; all are stored or none: one invalid "
                    + "job (400, its errors under jobs[i]) or one key reused with another job (422) stores nothing")
    public BatchView submitBatch(byte[] body) {
        BatchRequest batch = reader.read(body, BatchRequest.class);
        if (batch.jobs() == null || batch.jobs().isEmpty() || batch.jobs().size() > MAX_BATCH) {
            throw new ProblemException(ProblemException.Type.INVALID_REQUEST, "jobs must hold 1 to " + MAX_BATCH + " jobs",
                    List.of(new FieldError("jobs", "holds " + (batch.jobs() == null ? 0 : batch.jobs().size()) + " jobs")));
        }
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < batch.jobs().size(); i++) {
            String at = "jobs[" + i + "]";
            BatchRequest.Item item = batch.jobs().get(i);
            if (item == null || item.job() == null) {
                errors.add(new FieldError(at + ".job", "is required"));
                continue;
            }
            validator.validate(item.job()).forEach(e -> errors.add(new FieldError(at + ".job." + e.field(), e.message())));
            if (item.idempotencyKey() != null && !IDEMPOTENCY_KEY.matcher(item.idempotencyKey()).matches()) {
                errors.add(new FieldError(at + ".idempotencyKey", "must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
                        + " visible ASCII characters"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        List<JobStore.PendingJob> pending = batch.jobs().stream()
                .map(item -> pendingJob(item.job(), Optional.ofNullable(item.idempotencyKey()))).toList();
        return new BatchView(stored(() -> store.submitAll(pending), true).stream()
                .map(sub -> new BatchView.Entry(sub.jobId(), sub.created())).toList());
    }

    /** A validated job as the store takes it: its distribution decided, and the digest a repeated submission is known by. */
    private JobStore.PendingJob pendingJob(JobSpec spec, Optional<String> key) {
        return new JobStore.PendingJob(spec, spec.distributionOr(defaultDistribution), key,
                DigestUtils.sha256Hex(reader.canonical(spec.withDefaults(defaultDistribution))));
    }

    /** Stores through {@code submit}; a reused idempotency key is 422 (naming the job of a batch), each job created is counted. */
    private List<Submission> stored(Supplier<List<Submission>> submit, boolean batch) {
        List<Submission> stored;
        try {
            stored = submit.get();
        } catch (IdempotencyKeyReusedException e) {
            // a single submit's index is its place in a group commit, which the client never saw
            throw new ProblemException(ProblemException.Type.IDEMPOTENCY_KEY_REUSED,
                    (batch && e.index() >= 0 ? "jobs[" + e.index() + "]: " : "") + e.getMessage());
        }
        stored.stream().filter(Submission::created).forEach(sub -> metrics.jobSubmitted());
        return stored;
    }

    @GET
    @Operation(summary = "List jobs, newest first",
            description = "Filter by state, by label (key=value, all must match), by text the name contains (any case) and by "
                    + "the schedule that made them")
    public JobListView list(@QueryParam("state") List<String> states, @QueryParam("label") List<String> labels,
            @QueryParam("name") @DefaultValue("") String name, @QueryParam("schedule") String schedule,
            @QueryParam("limit") @DefaultValue("" + DEFAULT_PAGE) String limit, @QueryParam("cursor") String cursor) {
        JobPage page = store.list(new JobQuery(parseStates(states), parseLabels(labels), parseName(name), Optional.ofNullable(schedule), Cursor.decode(cursor),
                parseLimit(limit)));
        Map<UUID, List<StepState>> stepStates = store.stepStates(page.jobs().stream().map(StoredJob::id).toList());
        List<JobView> items = page.jobs().stream()
                .map(j -> JobView.of(j, Progress.of(stepStates.getOrDefault(j.id(), List.of())), null))
                .toList();
        return new JobListView(items, page.nextBeforeSeq().isPresent() ? Cursor.encode(page.nextBeforeSeq().getAsLong()) : null);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A job with its steps, owner node and progress")
    public JobView get(@PathParam("id") String id) {
        return view(jobId(id));
    }

    @GET
    @Path("{id}/log")
    @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
    @Operation(summary = "Output of every step attempt, attempt by attempt",
            description = "text/plain by default, one line per output line; JSON lines objects when application/json is accepted")
    public Response log(@PathParam("id") String id, HttpHeaders headers) {
        UUID job = existingJob(id);
        List<LogLine> lines = store.log(job);
        boolean json = headers.getAcceptableMediaTypes().stream()
                .anyMatch(m -> m.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !m.isWildcardType());
        if (json) {
            return Response.ok(lines, MediaType.APPLICATION_JSON_TYPE).build();
        }
        String text = lines.stream()
                .map(l -> l.at() + " " + l.step() + "#" + l.attempt() + " " + l.node() + " " + l.stream() + " | " + l.line())
                .collect(Collectors.joining("\n", "", lines.isEmpty() ? "" : "\n"));
        return Response.ok(text, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build();
    }

    @POST
    @Path("{id}/abort")
    @Operation(summary = "Abort a job", description = "Steps not yet ended are aborted and running processes killed; 409 if the job has ended")
    public JobView abort(@PathParam("id") String id) {
        UUID job = jobId(id);
        AbortOutcome outcome = store.abort(job);
        switch (outcome.kind()) {
            case NOT_FOUND -> throw notFound(id);
            case ALREADY_FINISHED -> throw new ProblemException(ProblemException.Type.JOB_FINISHED,
                    "job " + id + " has already ended as " + outcome.finishedState() + "; only a job that has not ended can be aborted");
            case ABORTED -> metrics.jobFinished(JobState.ABORTED);
        }
        return view(job);
    }

    @POST
    @Path("{id}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a message to a job (a signal or an approval)")
    public Response postMessage(@PathParam("id") String id, byte[] body) {
        UUID job = jobId(id);
        MessageRequest message = reader.read(body, MessageRequest.class);
        if (message.name() == null || message.name().isBlank()) {
            throw new ProblemException(ProblemException.Type.INVALID_REQUEST, "name: is required",
                    List.of(new FieldError("name", "is required")));
        }
        StoredJob stored = requireJob(job);
        if (stored.state().isTerminal()) {
            throw new ProblemException(ProblemException.Type.JOB_FINISHED,
                    "job " + id + " has ended as " + stored.state() + "; it takes no more messages");
        }
        StoredMessage saved = store.addMessage(job, message.name(), message.payload(), node.id()).orElseThrow(() -> notFound(id));
        return Response.accepted(saved).build();
    }

    @GET
    @Path("{id}/attempts")
    @Operation(summary = "Every attempt of the job's steps: node, start, end and outcome, in the order they started")
    public List<StoredAttempt> attempts(@PathParam("id") String id) {
        return store.attempts(existingJob(id));
    }

    @GET
    @Path("{id}/messages")
    @Operation(summary = "Messages sent to a job, oldest first")
    public List<StoredMessage> messages(@PathParam("id") String id) {
        return store.messages(existingJob(id));
    }

    @GET
    @Path("{id}/steps/{step}/results")
    @Operation(summary = "Results of a fanout step, one per item, in item order",
            description = "Page with after (the last item seen, -1 to start) and limit; next is the after of the next page")
    public ResultPage results(@PathParam("id") String id, @PathParam("step") String stepName,
            @QueryParam("after") @DefaultValue("-1") String after,
            @QueryParam("limit") @DefaultValue("" + DEFAULT_RESULTS_PAGE) String limit) {
        UUID job = existingJob(id);
        StepRef step = store.stepRef(job, stepName).orElseThrow(() -> new ProblemException(ProblemException.Type.NOT_FOUND,
                "job " + id + " has no step '" + stepName + "'"));
        if (step.kind() != StepKind.FANOUT) {
            throw new ProblemException(ProblemException.Type.NOT_FOUND,
                    "step '" + stepName + "' is a " + step.kind().wireName() + " step; only fanout steps have results");
        }
        int size = parseInt("limit", limit, 1, MAX_RESULTS_PAGE);
        List<StoredResult> items = packets.results(job, step.index(), parseInt("after", after, -1, Integer.MAX_VALUE), size);
        return new ResultPage(items, items.size() == size ? items.get(items.size() - 1).item() : null);
    }

    private JobView view(UUID id) {
        return view(requireJob(id), store.steps(id), packets.progressOfJob(id));
    }

    private static JobView view(StoredJob job, List<StoredStep> steps, Map<Integer, PacketProgress> progress) {
        return JobView.of(job, Progress.of(steps.stream().map(StoredStep::state).toList()),
                steps.stream().map(s -> StepView.of(s, progress.get(s.index()))).toList());
    }

    /** The id of a job that exists; 404 otherwise. */
    private UUID existingJob(String id) {
        UUID job = jobId(id);
        requireJob(job);
        return job;
    }

    private StoredJob requireJob(UUID id) {
        return store.find(id).orElseThrow(() -> notFound(id.toString()));
    }

    private static UUID jobId(String id) {
        // UUID.fromString also takes short forms such as 0-0-0-0-0: only the canonical one names a job
        if (!CANONICAL_UUID.matcher(id).matches()) {
            throw notFound(id);
        }
        return UUID.fromString(id);
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(ProblemException.Type.NOT_FOUND, "no job with id '" + id + "'");
    }

    private static Set<JobState> parseStates(List<String> values) {
        Set<JobState> states = EnumSet.noneOf(JobState.class);
        for (String value : values) {
            for (String s : value.split(",")) {
                try {
                    states.add(JobState.valueOf(s.trim().toUpperCase()));
                } catch (IllegalArgumentException e) {
                    throw new ProblemException(ProblemException.Type.INVALID_REQUEST, "state '" + s + "' is not one of "
                            + EnumSet.allOf(JobState.class), List.of(new FieldError("state", "unknown state '" + s + "'")));
                }
            }
        }
        return states;
    }

    private static Map<String, String> parseLabels(List<String> values) {
        Map<String, String> labels = new LinkedHashMap<>();
        List<FieldError> errors = new ArrayList<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            String problem = TextCheck.problem(value);
            if (problem != null) {
                errors.add(new FieldError("label", problem));
            } else if (eq <= 0) {
                errors.add(new FieldError("label", "'" + value + "' must be key=value"));
            } else {
                labels.put(value.substring(0, eq), value.substring(eq + 1));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return labels;
    }

    private static String parseName(String value) {
        String problem = value.length() > MAX_NAME_FILTER ? "must be at most " + MAX_NAME_FILTER + " characters"
                : TextCheck.problem(value);
        if (problem != null) {
            throw new ProblemException(ProblemException.Type.INVALID_REQUEST, "name " + problem,
                    List.of(new FieldError("name", problem)));
        }
        return value;
    }

    private static int parseLimit(String value) {
        return parseInt("limit", value, 1, MAX_PAGE);
    }

    static int parseInt(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ProblemException(ProblemException.Type.INVALID_REQUEST, name + " must be an integer from " + min + " to " + max,
                List.of(new FieldError(name, "'" + value + "' is not from " + min + " to " + max)));
    }

}
