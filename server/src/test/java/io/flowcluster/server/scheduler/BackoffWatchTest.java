package io.flowcluster.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffWatchTest {

    private static final Instant T = Instant.parse("2026-12-07T20:00:00Z");

    @Test
    void theDatabaseIsAskedFirstAndAgainOnlyWhenTheKnownBackoffHasEnded() {
        BackoffWatch watch = new BackoffWatch();
        assertThat(watch.mustRead(T)).as("nothing known yet").isTrue();
        watch.read(Optional.of(T.plusSeconds(5)));
        assertThat(watch.mustRead(T.plusSeconds(4))).isFalse();
        assertThat(watch.mustRead(T.plusSeconds(5))).as("due: ask for the next one").isTrue();
        watch.read(Optional.empty());
        assertThat(watch.mustRead(T.plusSeconds(60))).as("no backoff running").isFalse();
        assertThat(watch.earliest()).isEmpty();
    }

    @Test
    void aBackoffItWritesMovesTheEarliestTimeOnlyEarlier() {
        BackoffWatch watch = new BackoffWatch();
        watch.read(Optional.empty());
        watch.written(T.plusSeconds(10));
        assertThat(watch.earliest()).contains(T.plusSeconds(10));
        watch.written(T.plusSeconds(20));
        assertThat(watch.earliest()).contains(T.plusSeconds(10));
        watch.written(T.plusSeconds(3));
        assertThat(watch.earliest()).contains(T.plusSeconds(3));
        assertThat(watch.mustRead(T.plusSeconds(2))).isFalse();
        assertThat(watch.mustRead(T.plusSeconds(3))).isTrue();
    }

    @Test
    void forgettingMakesItAskAgain() {
        BackoffWatch watch = new BackoffWatch();
        watch.read(Optional.of(T.plusSeconds(5)));
        watch.forget();
        assertThat(watch.mustRead(T)).isTrue();
    }
}
