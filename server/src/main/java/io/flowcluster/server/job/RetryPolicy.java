package io.flowcluster.server.job;

import io.flowcluster.contract.Durations;
import java.time.Duration;
import java.util.Optional;

/** The retry rule of a step, with defaults applied. */
public record RetryPolicy(int limit, Duration backoff, Duration maxBackoff, double multiplier) {

    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);
    public static final double DEFAULT_MULTIPLIER = 2.0;

    public static RetryPolicy of(RetrySpec spec) {
        if (spec == null) {
            return new RetryPolicy(0, DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MULTIPLIER);
        }
        return new RetryPolicy(
                spec.limit() == null ? 0 : spec.limit(),
                Optional.ofNullable(spec.backoff()).map(Durations::parse).orElse(DEFAULT_BACKOFF),
                Optional.ofNullable(spec.maxBackoff()).map(Durations::parse).orElse(DEFAULT_MAX_BACKOFF),
                spec.multiplier() == null ? DEFAULT_MULTIPLIER : spec.multiplier());
    }

    /** Whether a step that has failed {@code failures} times gets another attempt. */
    public boolean allowsRetryAfter(int failures) {
        return failures <= limit;
    }

    /** Delay before the attempt that follows the {@code failures}-th failure. */
    public Duration delayAfter(int failures) {
        double millis = backoff.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
        return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis((long) millis);
    }
}
