package io.flowcluster.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FillingMembersTest {

    @Test
    void aJoinedMemberFillsUntilItHoldsTheAverage() {
        FillingMembers filling = new FillingMembers();
        assertThat(filling.update(Set.of("a", "b"), Map.of("a", 10, "b", 10))).isEmpty();
        assertThat(filling.update(Set.of("a", "b", "c"), Map.of("a", 10, "b", 10))).containsExactly("c");
        assertThat(filling.update(Set.of("a", "b", "c"), Map.of("a", 8, "b", 8, "c", 4))).containsExactly("c");
        assertThat(filling.update(Set.of("a", "b", "c"), Map.of("a", 7, "b", 7, "c", 6))).containsExactly("c");
        assertThat(filling.update(Set.of("a", "b", "c"), Map.of("a", 7, "b", 6, "c", 7))).isEmpty();
    }

    @Test
    void aLeaveMakesNoMemberFillingAndALeaverIsForgotten() {
        FillingMembers filling = new FillingMembers();
        filling.update(Set.of("a", "b", "c"), Map.of("a", 9, "b", 9, "c", 9));
        assertThat(filling.update(Set.of("a", "b"), Map.of("a", 9, "b", 9, "c", 9))).isEmpty();
        assertThat(filling.update(Set.of("a", "b", "c"), Map.of("a", 14, "b", 13))).as("c returned").containsExactly("c");
        assertThat(filling.update(Set.of("a", "b"), Map.of("a", 14, "b", 13))).isEmpty();
    }

    @Test
    void aNewSchedulerCountsMembersUnderHalfTheirShareAsFilling() {
        FillingMembers filling = new FillingMembers();
        assertThat(filling.update(Set.of("a", "b", "c"), Map.of("a", 10, "b", 10, "c", 3))).containsExactly("c");
        filling.forget();
        assertThat(filling.update(Set.of("a", "b", "c"), Map.of("a", 10, "b", 10, "c", 6))).isEmpty();
    }
}
