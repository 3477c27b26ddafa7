package io.flowcluster.operator.reconciler;

import static io.flowcluster.operator.crd.Defaults.orDefault;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.flowcluster.contract.DesiredRing;
import io.flowcluster.contract.Durations;
import io.flowcluster.contract.SchedulerState;
import io.flowcluster.operator.crd.Defaults;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterStatus;
import io.flowcluster.operator.dependent.ApiTokenSecret;
import io.flowcluster.operator.dependent.ClientService;
import io.flowcluster.operator.dependent.DatabaseCredentials;
import io.flowcluster.operator.dependent.DatabaseService;
import io.flowcluster.operator.dependent.DatabaseStatefulSet;
import io.flowcluster.operator.dependent.EmbeddedDatabase;
import io.flowcluster.operator.dependent.GeneratesApiToken;
import io.flowcluster.operator.dependent.HeadlessService;
import io.flowcluster.operator.dependent.SchedulerLease;
import io.flowcluster.operator.dependent.SchedulerStateConfigMap;
import io.flowcluster.operator.dependent.ServerConfig;
import io.flowcluster.operator.dependent.ServerDisruptionBudget;
import io.flowcluster.operator.dependent.ServerRole;
import io.flowcluster.operator.dependent.ServerRoleBinding;
import io.flowcluster.operator.dependent.ServerServiceAccount;
import io.flowcluster.operator.desired.CoordinationObjects;
import io.flowcluster.operator.desired.DatabaseObjects;
import io.flowcluster.operator.desired.Names;
import io.flowcluster.operator.desired.ServerObjects;
import io.flowcluster.operator.ring.RingChange;
import io.flowcluster.operator.ring.ScaleDown;
import io.flowcluster.operator.status.Blocker;
import io.flowcluster.operator.status.Conditions;
import io.flowcluster.operator.status.KubernetesVersion;
import io.flowcluster.operator.status.Observed;
import io.flowcluster.operator.status.StatusBuilder;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Reconciles a FlowCluster: the objects its spec alone decides are declared dependents (one
 * class each in {@code dependent}, built by the pure builders in {@code desired}; the
 * embedded database's and the generated token's only under their preconditions); the ring
 * and the server's StatefulSet are decided here from what is observed. Publishes the ring
 * from the Ready pods, drains before a scale-down, and reports the status. Never writes to
 * the spec. The workflow is invoked explicitly, so that nothing is created on a Kubernetes
 * too old to run it.
 */
@ControllerConfiguration(name = "flowcluster")
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = "ApiTokenSecret", type = ApiTokenSecret.class, useEventSourceWithName = "Secret",
                reconcilePrecondition = GeneratesApiToken.class),
        @Dependent(name = "DatabaseCredentials", type = DatabaseCredentials.class, useEventSourceWithName = "Secret",
                reconcilePrecondition = EmbeddedDatabase.class),
        @Dependent(name = "DatabaseService", type = DatabaseService.class, useEventSourceWithName = "Service",
                reconcilePrecondition = EmbeddedDatabase.class),
        @Dependent(name = "DatabaseStatefulSet", type = DatabaseStatefulSet.class, useEventSourceWithName = "StatefulSet",
                reconcilePrecondition = EmbeddedDatabase.class, dependsOn = "DatabaseCredentials"),
        @Dependent(name = "ServerServiceAccount", type = ServerServiceAccount.class, useEventSourceWithName = "ServiceAccount"),
        @Dependent(name = "ServerRole", type = ServerRole.class, useEventSourceWithName = "Role"),
        @Dependent(name = "ServerRoleBinding", type = ServerRoleBinding.class, useEventSourceWithName = "RoleBinding",
                dependsOn = {"ServerRole", "ServerServiceAccount"}),
        @Dependent(name = "ServerConfig", type = ServerConfig.class, useEventSourceWithName = "ConfigMap"),
        @Dependent(name = "ClientService", type = ClientService.class, useEventSourceWithName = "Service"),
        @Dependent(name = "HeadlessService", type = HeadlessService.class, useEventSourceWithName = "Service"),
        @Dependent(name = "ServerDisruptionBudget", type = ServerDisruptionBudget.class, useEventSourceWithName = "PodDisruptionBudget"),
        @Dependent(name = "SchedulerLease", type = SchedulerLease.class, useEventSourceWithName = "Lease"),
        @Dependent(name = "SchedulerStateConfigMap", type = SchedulerStateConfigMap.class, useEventSourceWithName = "ConfigMap")
})
public class FlowClusterReconciler implements Reconciler<FlowCluster> {

    private static final Logger LOG = Logger.getLogger(FlowClusterReconciler.class);
    private static final Duration RESYNC = Duration.ofSeconds(30);
    private static final Duration WHILE_DRAINING = Duration.ofSeconds(5);
    private static final String MANAGED = Names.MANAGED_BY_LABEL + "=" + Names.MANAGED_BY;

    private final KubernetesClient client;
    private final Applier applier;
    private final MeterRegistry metrics;
    private volatile Optional<KubernetesVersion> kubernetesVersion;

    FlowClusterReconciler(KubernetesClient client, MeterRegistry metrics) {
        this.client = client;
        this.applier = new Applier(client);
        this.metrics = metrics;
    }

    /**
     * One informer per kind the operator owns, shared by the dependents of that kind (they
     * find theirs by name) and by the steps that read pods.
     */
    @Override
    public List<EventSource<?, FlowCluster>> prepareEventSources(EventSourceContext<FlowCluster> context) {
        return List.of(
                informer(context, Pod.class),
                informer(context, StatefulSet.class),
                informer(context, Service.class),
                informer(context, ConfigMap.class),
                informer(context, Secret.class),
                informer(context, ServiceAccount.class),
                informer(context, Role.class),
                informer(context, RoleBinding.class),
                informer(context, PodDisruptionBudget.class),
                informer(context, Lease.class));
    }

    /** Everything the operator owns carries the instance label: that maps it back to its FlowCluster. */
    private static <R extends HasMetadata> EventSource<R, FlowCluster> informer(EventSourceContext<FlowCluster> context, Class<R> type) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, FlowCluster.class)
                .withName(type.getSimpleName())
                .withLabelSelector(MANAGED)
                .withSecondaryToPrimaryMapper(r -> Optional.ofNullable(r.getMetadata().getLabels())
                        .map(l -> l.get(Names.INSTANCE_LABEL))
                        .map(name -> Set.of(new ResourceID(name, r.getMetadata().getNamespace())))
                        .orElse(Set.of()))
                .build(), context);
    }

    /**
     * One reconciliation, as a list of named steps: refuse what cannot run, reconcile the
     * declared dependents, observe, decide a scale-down, publish the ring, scale the
     * StatefulSet, report the status.
     */
    @Override
    public UpdateControl<FlowCluster> reconcile(FlowCluster fc, Context<FlowCluster> context) {
        metrics.counter("flowcluster.reconciliations", "namespace", fc.getMetadata().getNamespace()).increment();
        Instant now = Instant.now();
        if (refuseUnsupportedKubernetes(fc, now)) {
            return UpdateControl.<FlowCluster>noUpdate().rescheduleAfter(RESYNC);
        }
        reconcileDependents(context);
        Observation seen = observe(fc, context);
        String since = Optional.ofNullable(fc.getStatus()).map(s -> s.scaleDown).map(s -> s.since).orElse(now.toString());
        ScaleDown scaleDown = decideScaleDown(fc, seen, since, now);
        // the ring first: a leaving node is out of it before the StatefulSet lets its pod go
        DesiredRing ring = publishRing(fc, seen.pods(), scaleDown);
        scale(fc, scaleDown);
        reportStatus(fc, new Observed(seen.statefulSet(), seen.pods(), seen.lease(), seen.state(), ring, scaleDown,
                scaleDown.done() ? null : since, blockers(fc, seen.statefulSet(), now)), now);
        return UpdateControl.<FlowCluster>noUpdate().rescheduleAfter(scaleDown.done() ? RESYNC : WHILE_DRAINING);
    }

    /** What one reconciliation reads before it decides. */
    private record Observation(List<Pod> pods, Optional<StatefulSet> statefulSet, Optional<Lease> lease,
            Optional<SchedulerState> state) {
    }

    /** On a Kubernetes older than supported: Degraded, and nothing is created. */
    private boolean refuseUnsupportedKubernetes(FlowCluster fc, Instant now) {
        Optional<KubernetesVersion> version = kubernetesVersion();
        if (version.isEmpty() || version.get().supported()) {
            return false;
        }
        degrade(fc, "UnsupportedKubernetesVersion", "Kubernetes " + version.get() + " is older than "
                + KubernetesVersion.OLDEST_SUPPORTED + ", the oldest this operator supports: nothing was created", now);
        return true;
    }

    /** The @Workflow above: what fails is thrown, with each failed dependent's exception. */
    private static void reconcileDependents(Context<FlowCluster> context) {
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    }

    private Observation observe(FlowCluster fc, Context<FlowCluster> context) {
        String ns = fc.getMetadata().getNamespace();
        List<Pod> pods = context.getSecondaryResources(Pod.class).stream()
                .filter(p -> Names.SERVER.equals(p.getMetadata().getLabels().get(Names.COMPONENT_LABEL)))
                .toList();
        // read from the API server, not the informers' caches, which may lag our own last writes:
        // the ring's next epoch and the scale-down decision must build on what is really stored
        return new Observation(pods,
                Optional.ofNullable(client.apps().statefulSets().inNamespace(ns).withName(Names.server(fc)).get()),
                Optional.ofNullable(client.leases().inNamespace(ns).withName(Names.schedulerLease(fc)).get()),
                Optional.ofNullable(client.configMaps().inNamespace(ns).withName(Names.schedulerState(fc)).get())
                        .map(ConfigMap::getData).map(d -> d.get(SchedulerState.KEY)).flatMap(SchedulerState::parse));
    }

    private static ScaleDown decideScaleDown(FlowCluster fc, Observation seen, String since, Instant now) {
        int wanted = orDefault(fc.getSpec().replicas, Defaults.REPLICAS);
        int current = seen.statefulSet().map(s -> s.getSpec().getReplicas()).orElse(wanted);
        return ScaleDown.decide(Names.server(fc), wanted, current, new HashSet<>(StatusBuilder.readyNames(seen.pods())),
                drained(seen.state()), parse(since, now), now,
                Durations.parse(orDefault(fc.getSpec().drainTimeout, Defaults.DRAIN_TIMEOUT)));
    }

    private void scale(FlowCluster fc, ScaleDown scaleDown) {
        applier.apply(ServerObjects.statefulSet(fc, scaleDown.replicas()));
        if (scaleDown.done() && !scaleDown.leaving().isEmpty()) {
            event(fc, "Normal", "ScaledDown", "removed " + String.join(", ", scaleDown.leaving()) + " after draining");
        }
    }

    /** Writes the status when it changed, built again on the stored one. */
    private void reportStatus(FlowCluster fc, Observed observed, Instant now) {
        FlowClusterStatus status = StatusBuilder.build(fc, observed, now.toString());
        if (Serialization.asJson(status).equals(Serialization.asJson(fc.getStatus()))) {
            return;
        }
        editStoredStatus(fc, stored -> StatusBuilder.build(stored, observed, now.toString()));
    }

    /**
     * Writes a status built on the stored one, not the cached one, which may not hold our last
     * write yet: the conditions' transition times must come from what is really there.
     */
    private void editStoredStatus(FlowCluster fc, Function<FlowCluster, FlowClusterStatus> build) {
        client.resources(FlowCluster.class).inNamespace(fc.getMetadata().getNamespace()).withName(fc.getMetadata().getName())
                .editStatus(latest -> {
                    FlowCluster stored = new FlowCluster();
                    stored.setMetadata(fc.getMetadata());
                    stored.setSpec(fc.getSpec());
                    stored.setStatus(latest.getStatus());
                    latest.setStatus(build.apply(stored));
                    return latest;
                });
    }

    /**
     * A reconciliation failed: the status says why ({@code Degraded}) and a Warning Event
     * says it once, while JOSDK retries with a growing backoff (never giving up, see
     * application.properties).
     */
    @Override
    public ErrorStatusUpdateControl<FlowCluster> updateErrorStatus(FlowCluster fc, Context<FlowCluster> context, Exception e) {
        LOG.warnf("%s/%s: reconciliation failed: %s", fc.getMetadata().getNamespace(), fc.getMetadata().getName(), e.toString());
        try {
            degrade(fc, "ReconcileFailed", "could not apply the spec (retrying): " + describe(e), Instant.now());
        } catch (RuntimeException statusFailed) {
            LOG.warnf("Could not report the failure in the status: %s", statusFailed.getMessage());
        }
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    /** Sets Degraded on the stored status; a Warning Event when the reason or message is new. */
    private void degrade(FlowCluster fc, String reason, String message, Instant now) {
        boolean news = Optional.ofNullable(fc.getStatus()).flatMap(s -> Conditions.find(s.conditions, StatusBuilder.DEGRADED))
                .map(c -> !"True".equals(c.getStatus()) || !reason.equals(c.getReason()) || !message.equals(c.getMessage()))
                .orElse(true);
        if (news) {
            event(fc, "Warning", reason, message);
        }
        editStoredStatus(fc, stored -> StatusBuilder.degraded(stored, reason, message, now.toString()));
    }

    /**
     * What went wrong, in the API server's words where it gave some, naming the dependent
     * that failed; one line, bounded.
     */
    static String describe(Exception e) {
        String text = messageOf(e).lines().findFirst().orElse(e.getClass().getSimpleName());
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }

    private static String messageOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
                return k.getStatus().getMessage();
            }
            if (t instanceof AggregatedOperatorException failed && !failed.getAggregatedExceptions().isEmpty()) {
                var first = new TreeMap<>(failed.getAggregatedExceptions()).firstEntry();
                return first.getKey() + ": " + messageOf(first.getValue());
            }
        }
        return String.valueOf(e.getMessage());
    }

    private Optional<KubernetesVersion> kubernetesVersion() {
        if (kubernetesVersion == null) {
            try {
                var info = client.getKubernetesVersion();
                kubernetesVersion = KubernetesVersion.parse(info.getMajor(), info.getMinor());
            } catch (RuntimeException e) {
                LOG.warnf("Could not read the Kubernetes version (%s); going on as if supported", e.getMessage());
                return Optional.empty();
            }
        }
        return kubernetesVersion;
    }

    /** What keeps the server's or the embedded database's pods from existing or starting, read from the API server. */
    private List<Blocker> blockers(FlowCluster fc, Optional<StatefulSet> sts, Instant now) {
        String ns = fc.getMetadata().getNamespace();
        List<Blocker> blockers = new ArrayList<>();
        Blocker.failedCreate(sts, events(ns, Names.server(fc)), now).ifPresent(blockers::add);
        if (DatabaseObjects.embedded(fc)) {
            Optional<StatefulSet> db = Optional.ofNullable(client.apps().statefulSets().inNamespace(ns).withName(Names.database(fc)).get());
            Blocker.failedCreate(db, events(ns, Names.database(fc)), now).ifPresent(blockers::add);
            Blocker.unboundVolume(client.persistentVolumeClaims().inNamespace(ns)
                    .withLabels(Names.labels(fc, Names.DATABASE)).list().getItems(), now).ifPresent(blockers::add);
        }
        return blockers;
    }

    private List<io.fabric8.kubernetes.api.model.Event> events(String namespace, String involvedName) {
        return client.v1().events().inNamespace(namespace).withField("involvedObject.name", involvedName).list().getItems();
    }

    /** Writes the ring ConfigMap when the Ready members or the draining ones changed, with an Event. */
    private DesiredRing publishRing(FlowCluster fc, List<Pod> pods, ScaleDown scaleDown) {
        ConfigMap existing = client.configMaps().inNamespace(fc.getMetadata().getNamespace()).withName(Names.ring(fc)).get();
        Optional<DesiredRing> current = Optional.ofNullable(existing).map(ConfigMap::getData).flatMap(DesiredRing::fromData);
        DesiredRing next = RingChange.next(current, ScaleDown.stillWanted(Names.server(fc), new TreeSet<>(StatusBuilder.readyNames(pods)),
                scaleDown.replicas()), scaleDown);
        if (current.isEmpty() || next.epoch() != current.get().epoch()) {
            applier.apply(CoordinationObjects.ring(fc, next));
            String message = "ring epoch " + next.epoch() + ": members [" + String.join(", ", next.members()) + "]"
                    + (next.draining().isEmpty() ? "" : ", draining [" + String.join(", ", next.draining()) + "]");
            LOG.infof("%s/%s %s", fc.getMetadata().getNamespace(), fc.getMetadata().getName(), message);
            event(fc, "Normal", "RingChanged", message);
        }
        return next;
    }

    /** Members the scheduler reports drained. */
    private static Set<String> drained(Optional<SchedulerState> state) {
        Set<String> drained = new HashSet<>();
        state.ifPresent(s -> s.members().stream().filter(SchedulerState.Member::drained).map(SchedulerState.Member::id)
                .forEach(drained::add));
        return drained;
    }

    private void event(FlowCluster fc, String type, String reason, String message) {
        try {
            client.v1().events().inNamespace(fc.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(fc.getMetadata().getName() + "-").endMetadata()
                    .withNewInvolvedObject().withApiVersion(fc.getApiVersion()).withKind(fc.getKind())
                    .withName(fc.getMetadata().getName()).withNamespace(fc.getMetadata().getNamespace())
                    .withUid(fc.getMetadata().getUid()).endInvolvedObject()
                    .withReason(reason).withMessage(message).withType(type)
                    .withReportingComponent(Names.MANAGED_BY).withSource(new io.fabric8.kubernetes.api.model.EventSource(Names.MANAGED_BY, null))
                    .withFirstTimestamp(Instant.now().toString()).withLastTimestamp(Instant.now().toString()).withCount(1)
                    .build()).create();
        } catch (RuntimeException e) {
            LOG.warnf("Could not record event %s: %s", reason, e.getMessage());
        }
    }

    private static Instant parse(String instant, Instant fallback) {
        try {
            return Instant.parse(instant);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
