package io.flowcluster.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DesiredRingTest {

    @Test
    void itsDataIsSortedAndReadsBackAsTheSameRing() {
        DesiredRing ring = new DesiredRing(4, Set.of("fc-2", "fc-0", "fc-1"), Set.of("fc-2"));
        Map<String, String> data = ring.toData();
        assertThat(data).containsExactly(Map.entry("epoch", "4"), Map.entry("members", "fc-0,fc-1,fc-2"), Map.entry("draining", "fc-2"));
        assertThat(DesiredRing.fromData(data)).hasValue(ring);
    }

    @Test
    void spacesAndEmptyEntriesAreIgnoredAndWhatIsNoRingReadsAsNone() {
        assertThat(DesiredRing.fromData(Map.of("members", " a , b,", "epoch", "2")))
                .hasValue(new DesiredRing(2, Set.of("a", "b"), Set.of()));
        assertThat(DesiredRing.fromData(Map.of("members", "a"))).hasValue(new DesiredRing(0, Set.of("a"), Set.of()));
        assertThat(DesiredRing.fromData(Map.of("epoch", "2"))).isEmpty();
        assertThat(DesiredRing.fromData(Map.of("members", "a", "epoch", "two"))).isEmpty();
        assertThat(DesiredRing.fromData(null)).isEmpty();
    }
}
