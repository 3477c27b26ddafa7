package io.flowcluster.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.flowcluster.contract.DesiredRing;
import io.flowcluster.contract.SchedulerState;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterSpec;
import io.flowcluster.operator.crd.FlowClusterStatus;
import io.flowcluster.operator.ring.ScaleDown;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Conditions as a user reads them at each stage of a cluster's life. */
class StatusBuilderTest {

    private static final DesiredRing RING = new DesiredRing(3, new TreeSet<>(Set.of("fc-0", "fc-1")), new TreeSet<>());
    private static final ScaleDown STEADY = new ScaleDown(2, new TreeSet<>(), true);

    @Test
    void startingUpIsProgressingAndNotReady() {
        FlowClusterStatus s = StatusBuilder.build(cluster(2, null), seen(List.of(pod("fc-0", false)), null, null), "t1");
        assertThat(condition(s, "Ready")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).as("pods not ready come first: no scheduler can be had without them").isEqualTo("NodesNotReady");
            assertThat(c.getMessage()).isEqualTo("0 of 2 server pods ready");
        });
        assertThat(condition(s, "Progressing").getReason()).isEqualTo("Scaling");
        assertThat(condition(s, "Degraded").getStatus()).isEqualTo("False");
        assertThat(s.observedGeneration).isEqualTo(7);
    }

    @Test
    void allReadyWithALeaderAndTheRingAppliedIsReadyAndStable() {
        SchedulerState state = new SchedulerState("fc-1", 9, 4, 3L,
                List.of(new SchedulerState.Member("fc-0", false, false, 3, 1)));
        FlowClusterStatus s = StatusBuilder.build(cluster(2, null),
                seen(List.of(pod("fc-0", true), pod("fc-1", true)), lease("fc-1"), state), "t1");
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Progressing")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("Stable");
        });
        assertThat(s.scheduler.leader).isEqualTo("fc-1");
        assertThat(s.scheduler.epoch).isEqualTo(9);
        assertThat(s.members).singleElement().satisfies(m -> assertThat(m.ownedJobs).isEqualTo(3));
    }

    @Test
    void readyPodsWithoutAnySchedulerSaySo() {
        FlowClusterStatus s = StatusBuilder.build(cluster(2, null), seen(List.of(pod("fc-0", true), pod("fc-1", true)), null, null), "t1");
        assertThat(condition(s, "Ready").getReason()).isEqualTo("NoScheduler");
        assertThat(condition(s, "Degraded").getReason()).isEqualTo("NoScheduler");
    }

    @Test
    void aHealthyScaleDownStaysReadyWhileTheLeavingNodeDrains() {
        ScaleDown draining = new ScaleDown(3, new TreeSet<>(Set.of("fc-2")), false);
        Observed seen = new Observed(Optional.empty(), List.of(pod("fc-0", true), pod("fc-1", true), pod("fc-2", true)),
                Optional.of(lease("fc-0")), Optional.empty(), RING, draining, "t0");
        FlowClusterStatus s = StatusBuilder.build(cluster(2, null), seen, "t1");
        assertThat(condition(s, "Ready")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getMessage()).doesNotContain("of 2");
        });
        assertThat(condition(s, "Progressing").getReason()).isEqualTo("Draining");
        assertThat(s.scaleDown.from).isEqualTo(3);
        assertThat(s.scaleDown.to).isEqualTo(2);

        // done: the StatefulSet has 2 replicas, the leaving pod terminates
        Pod terminating = new PodBuilder(pod("fc-2", false)).editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
        Observed after = new Observed(Optional.empty(), List.of(pod("fc-0", true), pod("fc-1", true), terminating),
                Optional.of(lease("fc-0")), Optional.empty(), RING, STEADY, null);
        FlowClusterStatus s2 = StatusBuilder.build(cluster(2, null), after, "t2");
        assertThat(condition(s2, "Ready").getStatus()).isEqualTo("True");
        assertThat(s2.replicas).isEqualTo(2);
    }

    @Test
    void aSpecThatCannotBeRealizedIsDegradedWithItsReasonAndTheRestStays() {
        FlowCluster fc = cluster(2, null);
        fc.setStatus(StatusBuilder.build(fc, seen(List.of(pod("fc-0", true), pod("fc-1", true)), lease("fc-1"), null), "t1"));
        FlowClusterStatus s = StatusBuilder.degraded(fc, "ReconcileFailed", "could not apply the spec (retrying): quota exceeded", "t2");
        assertThat(condition(s, "Degraded")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("ReconcileFailed");
            assertThat(c.getLastTransitionTime()).isEqualTo("t2");
        });
        assertThat(condition(s, "Ready").getLastTransitionTime()).isEqualTo("t1");
        assertThat(s.readyReplicas).isEqualTo(2);
        assertThat(fc.getStatus().conditions).as("the observed status is left as it was")
                .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("AsExpected"));
    }

    @Test
    void aPodBlockerIsDegraded() {
        Observed seen = new Observed(Optional.empty(), List.of(), Optional.empty(), Optional.empty(), RING, STEADY, null,
                List.of(new Blocker("FailedCreate", "the StatefulSet fc cannot create its pods: invalid")));
        assertThat(condition(StatusBuilder.build(cluster(2, null), seen, "t1"), "Degraded").getReason()).isEqualTo("FailedCreate");
    }

    @Test
    void aCrashLoopingPodIsDegraded() {
        Pod crashing = new PodBuilder(pod("fc-1", false)).editStatus()
                .withContainerStatuses(new ContainerStatusBuilder().withName("server").withNewState().withNewWaiting()
                        .withReason("CrashLoopBackOff").endWaiting().endState().build()).endStatus().build();
        FlowClusterStatus s = StatusBuilder.build(cluster(2, null), seen(List.of(pod("fc-0", true), crashing), lease("fc-0"), null), "t1");
        assertThat(condition(s, "Degraded")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("CrashLoopBackOff");
        });
    }

    @Test
    void aConditionKeepsItsTransitionTimeWhileItsStatusStays() {
        FlowCluster fc = cluster(2, null);
        Observed ready = seen(List.of(pod("fc-0", true), pod("fc-1", true)), lease("fc-1"), null);
        fc.setStatus(StatusBuilder.build(fc, ready, "t1"));
        FlowClusterStatus later = StatusBuilder.build(fc, ready, "t2");
        assertThat(condition(later, "Ready").getLastTransitionTime()).isEqualTo("t1");
        fc.setStatus(later);
        FlowClusterStatus lost = StatusBuilder.build(fc, seen(List.of(pod("fc-0", true), pod("fc-1", false)), lease("fc-1"), null), "t3");
        assertThat(condition(lost, "Ready").getLastTransitionTime()).isEqualTo("t3");
    }

    private static FlowCluster cluster(int replicas, FlowClusterStatus status) {
        FlowCluster fc = new FlowCluster();
        fc.getMetadata().setName("fc");
        fc.getMetadata().setGeneration(7L);
        fc.setSpec(new FlowClusterSpec());
        fc.getSpec().replicas = replicas;
        fc.setStatus(status);
        return fc;
    }

    private static Observed seen(List<Pod> pods, Lease lease, SchedulerState state) {
        return new Observed(Optional.empty(), pods, Optional.ofNullable(lease), Optional.ofNullable(state), RING, STEADY, null);
    }

    private static Pod pod(String name, boolean ready) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus()
                .build();
    }

    private static Lease lease(String holder) {
        return new LeaseBuilder().withNewSpec().withHolderIdentity(holder).endSpec().build();
    }

    private static Condition condition(FlowClusterStatus s, String type) {
        return Conditions.find(s.conditions, type).orElseThrow();
    }
}
