package io.flowcluster.operator.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.contract.DesiredRing;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RingChangeTest {

    @Test
    void theEpochMovesOnlyWhenMembersOrDrainingChange() {
        DesiredRing first = RingChange.next(Optional.empty(), Set.of("fc-1", "fc-0"), Set.of());
        assertThat(first.epoch()).isEqualTo(1);
        assertThat(RingChange.next(Optional.of(first), Set.of("fc-0", "fc-1"), Set.of())).isSameAs(first);
        DesiredRing joined = RingChange.next(Optional.of(first), Set.of("fc-0", "fc-1", "fc-2"), Set.of());
        assertThat(joined.epoch()).isEqualTo(2);
        DesiredRing draining = RingChange.next(Optional.of(joined), Set.of("fc-0", "fc-1", "fc-2"), Set.of("fc-2"));
        assertThat(draining.epoch()).isEqualTo(3);
        assertThat(draining.draining()).containsExactly("fc-2");
    }

    @Test
    void aDrainedMemberLeavesTheRingBeforeItsPodGoesAndNeverComesBackAsAFullMember() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Set<String> ready = Set.of("fc-0", "fc-1", "fc-2");
        ScaleDown draining = ScaleDown.decide("fc", 2, 3, ready, Set.of(), t0, t0, Duration.ofMinutes(5));
        DesiredRing during = RingChange.next(Optional.empty(), ready, draining);
        assertThat(during.members()).containsExactly("fc-0", "fc-1", "fc-2");
        assertThat(during.draining()).containsExactly("fc-2");

        // the scheduler reports fc-2 drained; its pod is still Ready until the StatefulSet removes it
        ScaleDown done = ScaleDown.decide("fc", 2, 3, ready, Set.of("fc-2"), t0, t0.plusSeconds(5), Duration.ofMinutes(5));
        assertThat(done.done()).isTrue();
        DesiredRing after = RingChange.next(Optional.of(during), ready, done);
        assertThat(after.members()).as("no longer a member, so nothing is dispatched to it").containsExactly("fc-0", "fc-1");
        assertThat(after.draining()).isEmpty();
        assertThat(after.epoch()).isEqualTo(during.epoch() + 1);
    }

    @Test
    void onlyMembersCanBeDraining() {
        DesiredRing ring = RingChange.next(Optional.empty(), Set.of("fc-0"), Set.of("fc-0", "fc-9"));
        assertThat(ring.draining()).containsExactly("fc-0");
    }
}
