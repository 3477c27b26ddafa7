package io.flowcluster.server.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a tick does while a run of the same schedule has not ended (as a CronJob's concurrencyPolicy). */
public enum ConcurrencyPolicy {
    /** Runs side by side. */
    ALLOW,
    /** The tick is skipped (counted) while a run is going. */
    FORBID,
    /** The running ones are aborted and the tick's run starts. */
    REPLACE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ConcurrencyPolicy> fromWireName(String name) {
        return Arrays.stream(values()).filter(p -> p.wireName().equals(name)).findFirst();
    }
}
