package io.flowcluster.contract;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the server reads its settings and job specs: a number of seconds
 * ({@code 30}), a number with a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
 * {@code 2d}), units together ({@code 1h30m}, {@code 1.5s}) or ISO-8601 ({@code PT1M}): the
 * forms of Quarkus' duration settings. The
 * operator's CRD accepts the narrower {@link #SETTING_PATTERN}, and writes it through unchanged.
 */
public final class Durations {

    /** What a FlowCluster spec accepts: longer than zero, far from overflowing, one unit. */
    public static final String SETTING_PATTERN = "^[1-9][0-9]{0,5}(ms|s|m|h)$";

    /** Longer than any duration that can be held; the patterns below never see more (a hostile text overflows their stack). */
    private static final int MAX_LENGTH = 64;
    // the forms of Quarkus' duration settings, so that a job spec reads as a setting does
    private static final Pattern SECONDS = Pattern.compile("[-+]?\\d+");
    private static final Pattern MILLIS = Pattern.compile("([-+]?\\d+)ms", Pattern.CASE_INSENSITIVE);
    private static final Pattern DAYS = Pattern.compile("[-+]?\\d+d", Pattern.CASE_INSENSITIVE);
    private static final Pattern HOURS_MINUTES_SECONDS = Pattern.compile("(?:[-+]?\\d+(?:\\.\\d+)?[hms])+", Pattern.CASE_INSENSITIVE);

    private Durations() {
    }

    /** @throws IllegalArgumentException when the text is not a duration, or one too long to hold */
    public static Duration parse(String text) {
        String value = text.trim();
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("'" + value.substring(0, 20) + "...' is not a duration (examples: 500ms, 30s, 5m, 1h, PT1M)");
        }
        try {
            if (SECONDS.matcher(value).matches()) {
                return Duration.ofSeconds(Long.parseLong(value));
            }
            Matcher millis = MILLIS.matcher(value);
            if (millis.matches()) {
                return Duration.ofMillis(Long.parseLong(millis.group(1)));
            }
            if (DAYS.matcher(value).matches()) {
                return Duration.parse("P" + value);
            }
            if (HOURS_MINUTES_SECONDS.matcher(value).matches()) {
                return Duration.parse("PT" + value);
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
