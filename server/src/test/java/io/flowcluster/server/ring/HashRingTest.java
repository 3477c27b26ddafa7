package io.flowcluster.server.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashRingTest {

    /**
     * Pinned values: every node and the operator must compute the same ring, release after
     * release. If this fails, the ring changed and jobs would move on upgrade.
     */
    @Test
    void theRingIsMurmurHash3OfTheDocumentedPointNames() {
        assertThat(HashRing.position("flow-0#0")).isEqualTo(0xaf86370c1823c4c6L);
        HashRing ring = new HashRing(List.of("flow-2", "flow-0", "flow-1"), 100);
        assertThat(List.of("job-1", "job-2", "job-3", "job-4", "job-5", "job-6").stream().map(ring::owner))
                .containsExactly("flow-0", "flow-0", "flow-0", "flow-2", "flow-0", "flow-0");
    }

    @Test
    void boundedLoadSkipsAFullOwner() {
        HashRing ring = new HashRing(List.of("a", "b"), 50);
        String key = "some-job";
        String owner = ring.owner(key);
        String other = owner.equals("a") ? "b" : "a";
        // 2 jobs on the owner, none elsewhere: the bound for the next one is ceil(1.0 * 3 / 2) = 2
        Map<String, Integer> load = Map.of(owner, 2);
        assertThat(Placement.HASH.place(ring, key, load, 1.0)).isEqualTo(owner);
        assertThat(Placement.BOUNDED_LOAD.place(ring, key, load, 1.0)).isEqualTo(other);
    }

    @Test
    void anEmptyRingOwnsNothing() {
        HashRing empty = new HashRing(List.of(), 10);
        assertThat(empty.walk("x")).isEmpty();
        assertThatThrownBy(() -> empty.owner("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new HashRing(List.of("a"), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void placementNamesAreTheConfigValues() {
        assertThat(Placement.fromConfig("hash")).isEqualTo(Placement.HASH);
        assertThat(Placement.fromConfig("bounded-load")).isEqualTo(Placement.BOUNDED_LOAD);
        assertThatThrownBy(() -> Placement.fromConfig("random")).hasMessageContaining("hash or bounded-load");
    }
}
