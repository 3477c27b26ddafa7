package io.flowcluster.operator.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScaleDownTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Set<String> READY = Set.of("fc-0", "fc-1", "fc-2", "fc-3");
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    @Test
    void theHighestOrdinalsDrainFirstAndTheStatefulSetKeepsThemMeanwhile() {
        ScaleDown d = ScaleDown.decide("fc", 2, 4, READY, Set.of("fc-3"), T0, T0.plusSeconds(10), TIMEOUT);
        assertThat(d.leaving()).containsExactly("fc-2", "fc-3");
        assertThat(d.done()).isFalse();
        assertThat(d.replicas()).isEqualTo(4);
    }

    @Test
    void itShrinksOnceEveryLeavingMemberIsDrainedOrGone() {
        ScaleDown d = ScaleDown.decide("fc", 2, 4, Set.of("fc-0", "fc-1", "fc-2"), Set.of("fc-2"), T0, T0.plusSeconds(10), TIMEOUT);
        assertThat(d.done()).isTrue();
        assertThat(d.replicas()).isEqualTo(2);
    }

    @Test
    void itShrinksAnywayAfterTheDrainTimeout() {
        assertThat(ScaleDown.decide("fc", 2, 4, READY, Set.of(), T0, T0.plus(TIMEOUT), TIMEOUT).replicas()).isEqualTo(2);
    }

    @Test
    void aPodTheStatefulSetLetGoIsNotWantedEvenWhileACacheStillShowsItReady() {
        assertThat(ScaleDown.stillWanted("fc", READY, 2)).containsExactly("fc-0", "fc-1");
        assertThat(ScaleDown.stillWanted("fc", Set.of("fc-0", "fc-db-0", "other-1", "fc-x"), 4)).containsExactly("fc-0");
    }

    @Test
    void scalingUpOrStayingNeedsNoDrain() {
        ScaleDown d = ScaleDown.decide("fc", 5, 4, READY, Set.of(), T0, T0, TIMEOUT);
        assertThat(d.done()).isTrue();
        assertThat(d.replicas()).isEqualTo(5);
        assertThat(d.leaving()).isEmpty();
    }
}
