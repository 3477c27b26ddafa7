package io.flowcluster.server.scheduler;

import java.time.Instant;
import java.util.Optional;

/**
 * When the earliest step waiting out a retry backoff becomes runnable, as the scheduler keeps it
 * between passes instead of asking the database on each: read with each picture of the
 * cluster, moved earlier by the backoffs the scheduler's own application of ends writes (the
 * only writer of backoffs), and read again once that time has come, for the next one.
 */
final class BackoffWatch {

    private Optional<Instant> earliest = Optional.empty();
    private boolean known;

    /** Whether the database must be asked: nothing known yet, or the known time has come. */
    boolean mustRead(Instant now) {
        return !known || earliest.filter(due -> !due.isAfter(now)).isPresent();
    }

    /** What the database said: the earliest backoff still running, if any. */
    void read(Optional<Instant> earliest) {
        this.earliest = earliest;
        known = true;
    }

    /** A backoff this scheduler wrote, ending at {@code due}. */
    void written(Instant due) {
        earliest = Optional.of(earliest.filter(e -> e.isBefore(due)).orElse(due));
    }

    /** Ask the database again: another scheduler may have written backoffs meanwhile. */
    void forget() {
        known = false;
    }

    Optional<Instant> earliest() {
        return earliest;
    }
}
