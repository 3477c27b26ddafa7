package io.flowcluster.server.job;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;

/** Durations in the same forms as the server's settings: {@code 500ms}, {@code 30s}, {@code 5m}, {@code PT1H}. */
public final class Durations {

    private Durations() {
    }

    /** @throws IllegalArgumentException when the text is not a duration */
    public static Duration parse(String text) {
        Duration d = DurationConverter.parseDuration(text.trim());
        if (d == null) {
            throw new IllegalArgumentException("empty duration");
        }
        return d;
    }
}
