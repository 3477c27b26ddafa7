package io.flowcluster.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Something that keeps pods from existing or starting and that waiting will not cure, as
 * the status reports it ({@code Degraded} with this reason): pure functions of what was observed.
 */
public record Blocker(String reason, String message) {

    /** How recent a StatefulSet's FailedCreate event must be to count. */
    static final Duration RECENT = Duration.ofMinutes(5);
    /** How long a volume claim may stay unbound before it counts (provisioning takes a while). */
    static final Duration UNBOUND_GRACE = Duration.ofMinutes(1);

    /** The StatefulSet lacks pods and its controller says why it cannot create them (an invalid template, a quota). */
    public static Optional<Blocker> failedCreate(Optional<StatefulSet> sts, List<Event> events, Instant now) {
        boolean missingPods = sts.map(s -> s.getStatus() == null || s.getStatus().getReplicas() == null
                || s.getStatus().getReplicas() < s.getSpec().getReplicas()).orElse(false);
        if (!missingPods) {
            return Optional.empty();
        }
        return events.stream()
                .filter(e -> "FailedCreate".equals(e.getReason()) && e.getInvolvedObject() != null
                        && "StatefulSet".equals(e.getInvolvedObject().getKind())
                        && sts.get().getMetadata().getName().equals(e.getInvolvedObject().getName()))
                .filter(e -> when(e).map(t -> t.isAfter(now.minus(RECENT))).orElse(false))
                .max(Comparator.comparing(e -> when(e).orElse(Instant.EPOCH)))
                .map(e -> new Blocker("FailedCreate", "the StatefulSet " + e.getInvolvedObject().getName()
                        + " cannot create its pods: " + e.getMessage()));
    }

    /** A claim of the embedded database's volume that no StorageClass bound. */
    public static Optional<Blocker> unboundVolume(List<PersistentVolumeClaim> claims, Instant now) {
        return claims.stream()
                .filter(c -> c.getStatus() != null && "Pending".equals(c.getStatus().getPhase()))
                .filter(c -> parse(c.getMetadata().getCreationTimestamp()).map(t -> !t.isAfter(now.minus(UNBOUND_GRACE))).orElse(false))
                .findFirst()
                .map(c -> new Blocker("VolumeNotBound", "the PersistentVolumeClaim " + c.getMetadata().getName()
                        + " of the embedded database is not bound"
                        + (c.getSpec() != null && c.getSpec().getStorageClassName() == null
                                ? ": no StorageClass is named and the cluster has no default one that provisioned it"
                                : ": storage class " + c.getSpec().getStorageClassName() + " has not provided a volume")));
    }

    private static Optional<Instant> when(Event e) {
        return parse(e.getLastTimestamp()).or(() -> Optional.ofNullable(e.getEventTime()).map(t -> t.getTime()).flatMap(Blocker::parse))
                .or(() -> parse(e.getMetadata().getCreationTimestamp()));
    }

    private static Optional<Instant> parse(String time) {
        try {
            return Optional.ofNullable(time).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
