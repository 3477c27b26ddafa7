package io.flowcluster.operator.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.flowcluster.contract.DesiredRing;
import io.flowcluster.contract.SchedulerState;
import io.flowcluster.operator.ring.ScaleDown;
import java.util.List;
import java.util.Optional;

/** What the operator saw and decided in one reconciliation: the input of the status. */
public record Observed(Optional<StatefulSet> statefulSet, List<Pod> pods, Optional<Lease> lease,
        Optional<SchedulerState> state, DesiredRing ring, ScaleDown scaleDown, String scaleDownSince, List<Blocker> blockers) {

    public Observed(Optional<StatefulSet> statefulSet, List<Pod> pods, Optional<Lease> lease,
            Optional<SchedulerState> state, DesiredRing ring, ScaleDown scaleDown, String scaleDownSince) {
        this(statefulSet, pods, lease, state, ring, scaleDown, scaleDownSince, List.of());
    }

    public static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
                && pod.getMetadata().getDeletionTimestamp() == null;
    }

    /** A pod that will not get Ready by waiting: a crash loop or an image that cannot be pulled. */
    public static Optional<String> stuck(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
                .map(s -> s.getState().getWaiting().getReason())
                .filter(r -> List.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull",
                        "CreateContainerConfigError", "CreateContainerError", "RunContainerError").contains(r))
                .findFirst();
    }
}
