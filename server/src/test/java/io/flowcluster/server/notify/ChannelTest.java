package io.flowcluster.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChannelTest {

    /** LISTEN takes an identifier: PostgreSQL cuts one longer than 63 bytes, and two long ids would then share a channel. */
    @Test
    void eachNodesOwnChannelIsAShortIdentifierOfItsOwn() {
        String longId = "flow-" + "x".repeat(200);
        String name = Channel.WORKER.of(longId);
        assertThat(name).matches("[a-z_][a-z0-9_]*").hasSizeLessThanOrEqualTo(63);
        assertThat(Channel.WORKER.of(longId + "y")).isNotEqualTo(name);
        assertThat(Channel.WORKER.of("node-a")).isEqualTo(Channel.WORKER.of("node-a")).isNotEqualTo(Channel.PACKETS.of("node-a"));
    }

    @Test
    void aSharedChannelHasNoNodesOwnAndAChannelPerNodeNoSharedName() {
        assertThatThrownBy(() -> Channel.SCHEDULER.of("node-a")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(Channel.WORKER::sqlName).isInstanceOf(IllegalStateException.class);
        assertThat(Arrays.stream(Channel.values()).filter(Channel::perNode)).containsExactly(Channel.WORKER, Channel.ENDED, Channel.PACKETS);
    }
}
