package io.flowcluster.operator.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RingTest {

    @Test
    void theEpochMovesOnlyWhenMembersOrDrainingChange() {
        Ring first = Ring.next(Optional.empty(), Set.of("fc-1", "fc-0"), Set.of());
        assertThat(first.epoch()).isEqualTo(1);
        assertThat(Ring.next(Optional.of(first), Set.of("fc-0", "fc-1"), Set.of())).isSameAs(first);
        Ring joined = Ring.next(Optional.of(first), Set.of("fc-0", "fc-1", "fc-2"), Set.of());
        assertThat(joined.epoch()).isEqualTo(2);
        Ring draining = Ring.next(Optional.of(joined), Set.of("fc-0", "fc-1", "fc-2"), Set.of("fc-2"));
        assertThat(draining.epoch()).isEqualTo(3);
        assertThat(draining.draining()).containsExactly("fc-2");
    }

    @Test
    void onlyMembersCanBeDraining() {
        Ring ring = Ring.next(Optional.empty(), Set.of("fc-0"), Set.of("fc-0", "fc-9"));
        assertThat(ring.draining()).containsExactly("fc-0");
    }

    @Test
    void writesTheFormatTheSchedulerReads() {
        Ring ring = Ring.next(Optional.empty(), Set.of("fc-2", "fc-0", "fc-1"), Set.of("fc-2"));
        assertThat(ring.toData()).containsExactly(Map.entry("epoch", "1"), Map.entry("members", "fc-0,fc-1,fc-2"),
                Map.entry("draining", "fc-2"));
        assertThat(Ring.fromData(ring.toData())).hasValue(ring);
        assertThat(Ring.fromData(Map.of("epoch", "x", "members", "a"))).isEmpty();
    }
}
