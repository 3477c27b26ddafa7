package io.flowcluster.server.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RingConfigMapFormatTest {

    @Test
    void readsWhatItWrites() {
        DesiredRing ring = new DesiredRing(4, Set.of("fc-2", "fc-0", "fc-1"), Set.of("fc-2"));
        Map<String, String> data = RingConfigMapFormat.format(ring);
        assertThat(data).containsEntry("members", "fc-0,fc-1,fc-2").containsEntry("draining", "fc-2").containsEntry("epoch", "4");
        assertThat(RingConfigMapFormat.parse(data)).hasValue(ring);
    }

    @Test
    void toleratesSpacesAndEmptyListsAndRejectsWhatIsNoRing() {
        assertThat(RingConfigMapFormat.parse(Map.of("members", " a , b,", "epoch", "2")))
                .hasValue(new DesiredRing(2, Set.of("a", "b"), Set.of()));
        assertThat(RingConfigMapFormat.parse(Map.of("epoch", "2"))).isEmpty();
        assertThat(RingConfigMapFormat.parse(Map.of("members", "a", "epoch", "two"))).isEmpty();
        assertThat(RingConfigMapFormat.parse(null)).isEmpty();
    }
}
