package io.flowcluster.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A node out of contact with the database stops its steps before the others count it dead. */
class ContactTest {

    @Test
    void contactIsLostOnlyAfterTheFenceDelayFromTheLastHeartbeatSentThatGotThrough() {
        ManualTicker ticker = new ManualTicker();
        Contact contact = new Contact(ticker, Duration.ofSeconds(5));
        long sent = contact.now();
        ticker.advance(Duration.ofSeconds(3)); // the heartbeat took this long to get through
        contact.reached(sent);
        ticker.advance(Duration.ofSeconds(2));
        assertThat(contact.lost()).isFalse();
        ticker.advance(Duration.ofNanos(1));
        assertThat(contact.lost()).as("counted from when it was sent, not answered").isTrue();
        contact.reached(contact.now());
        assertThat(contact.lost()).isFalse();
    }

    @Test
    void theNodeFencesAHeartbeatIntervalBeforeTheOthersCountItDeadButNeverBeforeHalfTheTimeout() {
        assertThat(Heartbeat.fenceAfter(Duration.ofSeconds(10), Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(8));
        assertThat(Heartbeat.fenceAfter(Duration.ofSeconds(4), Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(2));
    }
}
