package io.flowcluster.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.flowcluster.server.ring.AppliedRing.LiveMember;
import io.flowcluster.server.store.ActiveSteps;
import io.flowcluster.server.store.Dispatch;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The scheduler's picture between reads: kept current from its dispatches and the slots nodes free. */
class ClusterPictureTest {

    private static final UUID RUNNING_JOB = new UUID(0, 1);
    private static final UUID NEW_JOB = new UUID(0, 2);

    private final ClusterPicture picture = new ClusterPicture(
            List.of(new LiveMember("a", 4, false), new LiveMember("b", 4, false), new LiveMember("drained", 4, true)),
            Set.of("a", "b"), new ActiveSteps(Map.of("a", 3), Set.of(RUNNING_JOB)), Map.of("a", 1));

    @Test
    void freeSlotsAreTheUnheldSlotsOfEligibleMembersPlusTheirQueue() {
        assertThat(picture.startable()).containsOnly(entry("a", 1), entry("b", 4));
        assertThat(picture.freeSlots(1)).containsOnly(entry("a", 5), entry("b", 8));
    }

    @Test
    void aDispatchHoldsASlotAndMakesItsJobActiveUntilTheNodeFreesIt() {
        picture.dispatched(List.of(new Dispatch(NEW_JOB, 0, "a", "a", true, true), new Dispatch(NEW_JOB, 1, "a", "a", false, true)),
                Map.of("a", 2));
        assertThat(picture.startable()).as("the slotless step holds none").containsEntry("a", 0);
        assertThat(picture.jobActive(NEW_JOB)).isTrue();
        assertThat(picture.load()).containsOnly(entry("a", 2));

        picture.freed("a", 2);
        assertThat(picture.startable()).containsEntry("a", 2);
        picture.freed("a", 10);
        assertThat(picture.startable()).as("never more than the node has").containsEntry("a", 4);
        picture.freed("unknown", 1);
        assertThat(picture.freeSlots(0)).doesNotContainKey("unknown");
    }
}
