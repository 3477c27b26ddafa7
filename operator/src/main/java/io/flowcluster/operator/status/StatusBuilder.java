package io.flowcluster.operator.status;

import static io.flowcluster.operator.crd.Defaults.orDefault;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.flowcluster.contract.SchedulerState;
import io.flowcluster.operator.crd.Defaults;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterStatus;
import io.flowcluster.operator.desired.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The status a user reads, as a pure function of what was observed. No secret ever goes in. */
public final class StatusBuilder {

    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";

    private StatusBuilder() {
    }

    public static FlowClusterStatus build(FlowCluster fc, Observed seen, String now) {
        FlowClusterStatus previous = Optional.ofNullable(fc.getStatus()).orElseGet(FlowClusterStatus::new);
        long generation = Optional.ofNullable(fc.getMetadata().getGeneration()).orElse(0L);
        int wanted = orDefault(fc.getSpec().replicas, Defaults.REPLICAS);
        // while leaving nodes drain the StatefulSet keeps them: they count until it lets them go
        int expected = seen.scaleDown().replicas();
        FlowClusterStatus status = new FlowClusterStatus();
        status.observedGeneration = generation;
        status.selector = Names.selectorString(fc);
        status.replicas = (int) seen.pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).count();
        status.readyReplicas = (int) seen.pods().stream().filter(Observed::ready).count();

        status.ring = new FlowClusterStatus.RingStatus();
        status.ring.epoch = seen.ring().epoch();
        status.ring.members = List.copyOf(seen.ring().members());
        status.ring.draining = List.copyOf(seen.ring().draining());

        Optional<String> leader = seen.lease().map(l -> l.getSpec()).map(s -> s.getHolderIdentity()).filter(h -> !h.isBlank());
        if (leader.isPresent()) {
            status.scheduler = new FlowClusterStatus.SchedulerStatus();
            status.scheduler.leader = leader.get();
            status.scheduler.since = seen.lease().map(l -> l.getSpec().getAcquireTime()).map(Object::toString).orElse(null);
            status.scheduler.epoch = seen.state().filter(s -> leader.get().equals(s.scheduler()))
                    .map(SchedulerState::schedulerEpoch).orElse(null);
        }
        status.members = seen.state().map(s -> s.members().stream().map(m -> {
            FlowClusterStatus.MemberStatus member = new FlowClusterStatus.MemberStatus();
            member.id = m.id();
            member.ownedJobs = m.ownedJobs();
            member.runningSteps = m.runningSteps();
            member.draining = m.draining();
            member.drained = m.drained();
            return member;
        }).toList()).orElse(List.of());
        if (!seen.scaleDown().done()) {
            status.scaleDown = new FlowClusterStatus.ScaleDownStatus();
            status.scaleDown.from = seen.scaleDown().replicas();
            status.scaleDown.to = wanted;
            status.scaleDown.since = seen.scaleDownSince();
        }

        List<Condition> conditions = new ArrayList<>();
        Optional<String> stuck = seen.pods().stream().map(Observed::stuck).flatMap(Optional::stream).findFirst();
        boolean allReady = status.readyReplicas >= expected && status.replicas == expected;
        boolean ringApplied = seen.state().map(s -> s.desiredEpoch() != null && s.desiredEpoch() == seen.ring().epoch()).orElse(false);
        boolean rolling = seen.statefulSet().map(s -> s.getStatus() != null
                && !java.util.Objects.equals(s.getStatus().getCurrentRevision(), s.getStatus().getUpdateRevision())).orElse(false);

        Optional<Blocker> blocker = stuck.map(r -> new Blocker(r, "a server pod cannot start: " + r))
                .or(() -> seen.blockers().stream().findFirst());
        if (blocker.isPresent()) {
            conditions.add(Conditions.of(DEGRADED, true, blocker.get().reason(), blocker.get().message(),
                    generation, previous.conditions, now));
        } else if (status.readyReplicas > 0 && leader.isEmpty()) {
            conditions.add(Conditions.of(DEGRADED, true, "NoScheduler", "no node holds the scheduler lease",
                    generation, previous.conditions, now));
        } else {
            conditions.add(Conditions.of(DEGRADED, false, "AsExpected", "", generation, previous.conditions, now));
        }

        String progressReason = !seen.scaleDown().done() ? "Draining"
                : rolling ? "RollingUpdate"
                : status.replicas != wanted || !allReady ? "Scaling"
                : !ringApplied ? "RingPending" : "Stable";
        String progressMessage = switch (progressReason) {
            case "Draining" -> "draining " + String.join(", ", seen.scaleDown().leaving()) + " before removing them";
            case "RollingUpdate" -> "rolling out a new pod template";
            case "Scaling" -> status.readyReplicas + " of " + expected + " server pods ready";
            case "RingPending" -> "the scheduler has not applied ring epoch " + seen.ring().epoch() + " yet";
            default -> "";
        };
        conditions.add(Conditions.of(PROGRESSING, !progressReason.equals("Stable"), progressReason, progressMessage,
                generation, previous.conditions, now));

        boolean ready = allReady && leader.isPresent() && stuck.isEmpty();
        String notReady = !allReady || stuck.isPresent() ? "NodesNotReady" : "NoScheduler";
        conditions.add(Conditions.of(READY, ready, ready ? "AllNodesReady" : notReady,
                ready ? status.readyReplicas + " nodes ready, scheduler " + leader.get()
                        : notReady.equals("NoScheduler") ? "all " + status.readyReplicas + " server pods ready, no scheduler yet"
                        : status.readyReplicas + " of " + expected + " server pods ready",
                generation, previous.conditions, now));
        status.conditions = conditions;
        return status;
    }

    /**
     * The status kept as it was but for {@code Degraded}, which says why the operator cannot
     * realize the spec (an unsupported cluster, a reconciliation that failed).
     */
    public static FlowClusterStatus degraded(FlowCluster fc, String reason, String message, String now) {
        FlowClusterStatus previous = Optional.ofNullable(fc.getStatus()).orElseGet(FlowClusterStatus::new);
        long generation = Optional.ofNullable(fc.getMetadata().getGeneration()).orElse(0L);
        FlowClusterStatus status = Serialization.clone(previous);
        status.observedGeneration = generation;
        List<Condition> conditions = new ArrayList<>(Optional.ofNullable(previous.conditions).orElse(List.of()));
        conditions.removeIf(c -> DEGRADED.equals(c.getType()));
        conditions.add(0, Conditions.of(DEGRADED, true, reason, message, generation, previous.conditions, now));
        if (Conditions.find(conditions, READY).isEmpty()) {
            conditions.add(Conditions.of(READY, false, reason, message, generation, previous.conditions, now));
        }
        status.conditions = conditions;
        return status;
    }

    /** Pods of the server, for the ring: Ready ones by name. */
    public static List<String> readyNames(List<Pod> pods) {
        return pods.stream().filter(Observed::ready).map(p -> p.getMetadata().getName()).sorted().toList();
    }
}
