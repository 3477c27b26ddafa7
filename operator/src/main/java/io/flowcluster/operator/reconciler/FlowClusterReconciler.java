package io.flowcluster.operator.reconciler;

import static io.flowcluster.operator.crd.Defaults.orDefault;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.flowcluster.operator.crd.Defaults;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterStatus;
import io.flowcluster.operator.desired.CoordinationObjects;
import io.flowcluster.operator.desired.DatabaseObjects;
import io.flowcluster.operator.desired.Names;
import io.flowcluster.operator.desired.ServerObjects;
import io.flowcluster.operator.ring.Ring;
import io.flowcluster.operator.ring.ScaleDown;
import io.flowcluster.operator.status.Blocker;
import io.flowcluster.operator.status.Conditions;
import io.flowcluster.operator.status.KubernetesVersion;
import io.flowcluster.operator.status.Observed;
import io.flowcluster.operator.status.SchedulerState;
import io.flowcluster.operator.status.StatusBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Observes a FlowCluster's objects, applies the desired ones (pure builders in
 * {@code desired}), publishes the ring from the Ready pods, drains before a scale-down, and
 * reports the status. Never writes to the spec.
 */
@ControllerConfiguration(name = "flowcluster")
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

    @Override
    public List<EventSource<?, FlowCluster>> prepareEventSources(EventSourceContext<FlowCluster> context) {
        return List.of(
                informer(context, Pod.class),
                informer(context, StatefulSet.class),
                informer(context, Lease.class),
                informer(context, ConfigMap.class));
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

    @Override
    public UpdateControl<FlowCluster> reconcile(FlowCluster fc, Context<FlowCluster> context) {
        metrics.counter("flowcluster.reconciliations", "namespace", fc.getMetadata().getNamespace()).increment();
        String ns = fc.getMetadata().getNamespace();
        Instant now = Instant.now();
        Optional<KubernetesVersion> version = kubernetesVersion();
        if (version.isPresent() && !version.get().supported()) {
            degrade(fc, "UnsupportedKubernetesVersion", "Kubernetes " + version.get() + " is older than "
                    + KubernetesVersion.OLDEST_SUPPORTED + ", the oldest this operator supports: nothing was created", now);
            return UpdateControl.<FlowCluster>noUpdate().rescheduleAfter(RESYNC);
        }

        applyOwned(fc);
        List<Pod> pods = context.getSecondaryResources(Pod.class).stream()
                .filter(p -> Names.SERVER.equals(p.getMetadata().getLabels().get(Names.COMPONENT_LABEL)))
                .toList();
        // read from the API server, not the informers' caches, which may lag our own last writes:
        // the ring's next epoch and the scale-down decision must build on what is really stored
        Optional<StatefulSet> sts = Optional.ofNullable(client.apps().statefulSets().inNamespace(ns).withName(Names.server(fc)).get());
        Optional<Lease> lease = Optional.ofNullable(client.leases().inNamespace(ns).withName(Names.schedulerLease(fc)).get());
        Optional<SchedulerState> state = Optional.ofNullable(client.configMaps().inNamespace(ns).withName(Names.schedulerState(fc)).get())
                .map(ConfigMap::getData).map(d -> d.get(SchedulerState.KEY)).flatMap(SchedulerState::parse);

        int wanted = orDefault(fc.getSpec().replicas, Defaults.REPLICAS);
        int current = sts.map(s -> s.getSpec().getReplicas()).orElse(wanted);
        String since = Optional.ofNullable(fc.getStatus()).map(s -> s.scaleDown).map(s -> s.since).orElse(now.toString());
        ScaleDown scaleDown = ScaleDown.decide(Names.server(fc), wanted, current,
                new HashSet<>(StatusBuilder.readyNames(pods)), drained(state),
                parse(since, now), now, durationOf(orDefault(fc.getSpec().drainTimeout, Defaults.DRAIN_TIMEOUT)));
        // the ring first: a leaving node is out of it before the StatefulSet lets its pod go
        Ring ring = publishRing(fc, pods, scaleDown);
        applier.apply(ServerObjects.statefulSet(fc, scaleDown.replicas()));
        if (scaleDown.done() && !scaleDown.leaving().isEmpty()) {
            event(fc, "Normal", "ScaledDown", "removed " + String.join(", ", scaleDown.leaving()) + " after draining");
        }

        Observed observed = new Observed(sts, pods, lease, state, ring, scaleDown, scaleDown.done() ? null : since,
                blockers(fc, sts, now));
        FlowClusterStatus status = StatusBuilder.build(fc, observed, now.toString());
        if (!Serialization.asJson(status).equals(Serialization.asJson(fc.getStatus()))) {
            // built again on the stored status, not the cached one, which may not hold our last write
            // yet: the conditions' transition times must come from what is really there
            client.resources(FlowCluster.class).inNamespace(ns).withName(fc.getMetadata().getName()).editStatus(latest -> {
                FlowCluster reconciled = new FlowCluster();
                reconciled.setMetadata(fc.getMetadata());
                reconciled.setSpec(fc.getSpec());
                reconciled.setStatus(latest.getStatus());
                latest.setStatus(StatusBuilder.build(reconciled, observed, now.toString()));
                return latest;
            });
        }
        return UpdateControl.<FlowCluster>noUpdate().rescheduleAfter(scaleDown.done() ? RESYNC : WHILE_DRAINING);
    }

    private void applyOwned(FlowCluster fc) {
        if (ServerObjects.generatesToken(fc)) {
            applier.createIfAbsent(CoordinationObjects.apiToken(fc, randomSecret()));
        }
        if (DatabaseObjects.embedded(fc)) {
            applier.createIfAbsent(DatabaseObjects.credentials(fc, randomSecret()));
            applier.apply(DatabaseObjects.service(fc));
            applier.apply(DatabaseObjects.statefulSet(fc));
        } else {
            // switched to an external database: stop the embedded one (its volume goes with it)
            applier.deleteIfPresent(DatabaseObjects.statefulSet(fc));
            applier.deleteIfPresent(DatabaseObjects.service(fc));
        }
        applier.apply(ServerObjects.serviceAccount(fc));
        applier.apply(ServerObjects.role(fc));
        applier.apply(ServerObjects.roleBinding(fc));
        applier.apply(ServerObjects.config(fc));
        applier.apply(ServerObjects.clientService(fc));
        applier.apply(ServerObjects.headlessService(fc));
        applier.apply(ServerObjects.disruptionBudget(fc));
        applier.createIfAbsent(CoordinationObjects.schedulerLease(fc));
        applier.createIfAbsent(CoordinationObjects.schedulerState(fc));
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
        client.resources(FlowCluster.class).inNamespace(fc.getMetadata().getNamespace()).withName(fc.getMetadata().getName())
                .editStatus(latest -> {
                    FlowCluster stored = new FlowCluster();
                    stored.setMetadata(fc.getMetadata());
                    stored.setSpec(fc.getSpec());
                    stored.setStatus(latest.getStatus());
                    latest.setStatus(StatusBuilder.degraded(stored, reason, message, now.toString()));
                    return latest;
                });
    }

    /** What went wrong, in the API server's words where it gave some; one line, bounded. */
    static String describe(Exception e) {
        String text = String.valueOf(e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
                text = k.getStatus().getMessage();
                break;
            }
        }
        text = text.lines().findFirst().orElse(e.getClass().getSimpleName());
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
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
    private Ring publishRing(FlowCluster fc, List<Pod> pods, ScaleDown scaleDown) {
        ConfigMap existing = client.configMaps().inNamespace(fc.getMetadata().getNamespace()).withName(Names.ring(fc)).get();
        Optional<Ring> current = Optional.ofNullable(existing).map(ConfigMap::getData).flatMap(Ring::fromData);
        Ring next = Ring.next(current, ScaleDown.stillWanted(Names.server(fc), new TreeSet<>(StatusBuilder.readyNames(pods)),
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

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static Instant parse(String instant, Instant fallback) {
        try {
            return Instant.parse(instant);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

    static Duration durationOf(String text) {
        long amount = Long.parseLong(text.replaceAll("[a-z]+$", ""));
        return switch (text.replaceAll("^[0-9]+", "")) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }
}
