package io.flowcluster.server.job;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;

/** Durations in the same forms as the server's settings: {@code 500ms}, {@code 30s}, {@code 5m}, {@code PT1H}. */
public final class Durations {

    private Durations() {
    }

    /** The shortest of the accepted forms that says {@code d} exactly: {@code 30d}, {@code 1h}, {@code 90s}, {@code 500ms}. */
    public static String format(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long seconds = d.toSeconds();
        if (seconds % 86400 == 0) {
            return seconds / 86400 + "d";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
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
