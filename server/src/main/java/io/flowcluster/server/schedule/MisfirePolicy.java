package io.flowcluster.server.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What becomes of ticks that passed while no scheduler ran (or it ran late). */
public enum MisfirePolicy {
    /** Late ticks are counted as missed; the next tick on time fires. */
    SKIP,
    /** Late ticks fold into one run, for the latest of them. */
    FIRE_ONCE,
    /** Each late tick fires, the latest {@code maxCatchUp} of them; older ones are counted as missed. */
    FIRE_ALL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<MisfirePolicy> fromWireName(String name) {
        return Arrays.stream(values()).filter(p -> p.wireName().equals(name)).findFirst();
    }
}
