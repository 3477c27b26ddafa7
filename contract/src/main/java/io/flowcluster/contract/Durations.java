package io.flowcluster.contract;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the server reads its settings and job specs: a number of seconds
 * ({@code 30}), a number with a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
 * {@code 2d}) or ISO-8601 ({@code PT1M}), the forms of Quarkus' duration settings. The
 * operator's CRD accepts the narrower {@link #SETTING_PATTERN}, and writes it through unchanged.
 */
public final class Durations {

    /** What a FlowCluster spec accepts: longer than zero, far from overflowing, one unit. */
    public static final String SETTING_PATTERN = "^[1-9][0-9]{0,5}(ms|s|m|h)$";

    private static final Pattern SECONDS = Pattern.compile("[-+]?\\d+");
    private static final Pattern WITH_UNIT = Pattern.compile("([-+]?\\d+)(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

    private Durations() {
    }

    /** @throws IllegalArgumentException when the text is not a duration, or one too long to hold */
    public static Duration parse(String text) {
        String value = text.trim();
        try {
            if (SECONDS.matcher(value).matches()) {
                return Duration.ofSeconds(Long.parseLong(value));
            }
            Matcher unit = WITH_UNIT.matcher(value);
            if (unit.matches()) {
                long amount = Long.parseLong(unit.group(1));
                return switch (unit.group(2).toLowerCase()) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(value);
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 500ms, 30s, 5m, 1h, PT1M)", e);
        }
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
}
