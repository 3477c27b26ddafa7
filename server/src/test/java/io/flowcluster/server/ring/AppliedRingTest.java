package io.flowcluster.server.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.contract.DesiredRing;
import io.flowcluster.server.ring.AppliedRing.LiveMember;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AppliedRingTest {

    private static final List<LiveMember> LIVE = List.of(member("a", false), member("b", true), member("c", false));

    @Test
    void withoutADesiredRingEveryLiveMemberBelongs() {
        AppliedRing ring = AppliedRing.of(LIVE, Optional.empty());
        assertThat(ring.members()).containsExactly("a", "b", "c");
        assertThat(ring.draining()).containsExactly("b");
        assertThat(ring.eligible()).containsExactly("a", "c");
    }

    @Test
    void theDesiredRingNarrowsItAndAddsItsDrainingMembers() {
        DesiredRing desired = new DesiredRing(7, Set.of("a", "b", "c", "d"), Set.of("c"));
        AppliedRing ring = AppliedRing.of(List.of(member("a", false), member("c", false), member("x", false)), Optional.of(desired));
        assertThat(ring.members()).as("x is not in the desired ring, d is not alive").containsExactly("a", "c");
        assertThat(ring.draining()).containsExactly("c");
        assertThat(ring.eligible()).containsExactly("a");
    }

    @Test
    void aCrashedMemberDropsOutWhileTheDesiredRingStillListsIt() {
        DesiredRing desired = new DesiredRing(1, Set.of("a", "b", "c"), Set.of());
        AppliedRing ring = AppliedRing.of(List.of(member("a", false), member("c", false)), Optional.of(desired));
        assertThat(ring.eligible()).containsExactly("a", "c");
    }

    private static LiveMember member(String id, boolean draining) {
        return new LiveMember(id, 4, draining);
    }
}
