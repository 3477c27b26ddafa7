package io.flowcluster.server.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.server.job.PacketRange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PacketDealerTest {

    private static final List<String> THREE = List.of("a", "b", "c");

    @Test
    void belowTheRemoteBiasEveryMemberGetsAnEqualShareTheCoordinatorIncluded() {
        assertThat(PacketDealer.deal(30, THREE, "a", Map.of(), 0, 10)).containsExactly(
                Map.entry("a", 10), Map.entry("b", 10), Map.entry("c", 10));
    }

    @Test
    void fromTheRemoteBiasOnTheCoordinatorKeepsHalfARemoteShare() {
        Map<String, Integer> deal = PacketDealer.deal(50, THREE, "a", Map.of(), 0, 3);
        assertThat(deal).containsEntry("a", 10).containsEntry("b", 20).containsEntry("c", 20);
    }

    @Test
    void packetsGoFirstToTheShortestQueues() {
        Map<String, Integer> deal = PacketDealer.deal(6, THREE, "a", Map.of("a", 4, "b", 1), 0, 10);
        assertThat(deal).containsExactly(Map.entry("b", 3), Map.entry("c", 3));
    }

    @Test
    void aFullQueueTakesNothingAndWhatHasNoRoomStaysUndealt() {
        Map<String, Integer> deal = PacketDealer.deal(100, THREE, "a", Map.of("a", 2, "b", 1), 2, 10);
        assertThat(deal).containsExactly(Map.entry("b", 1), Map.entry("c", 2));
        assertThat(PacketDealer.deal(5, THREE, "a", Map.of("a", 2, "b", 2, "c", 2), 2, 10)).isEmpty();
    }

    @Test
    void noMembersNoDeal() {
        assertThat(PacketDealer.deal(5, List.of(), "a", Map.of(), 0, 10)).isEmpty();
    }

    @Test
    void packetRangesCoverEveryItemOnce() {
        int items = 1234;
        int packets = PacketRange.packetsFor(items, 100);
        assertThat(packets).isEqualTo(13);
        int next = 0;
        for (int p = 0; p < packets; p++) {
            PacketRange r = PacketRange.of(p, items, 100);
            assertThat(r.first()).isEqualTo(next);
            next += r.count();
        }
        assertThat(next).isEqualTo(items);
        assertThat(PacketRange.of(12, items, 100).count()).isEqualTo(34);
    }
}
