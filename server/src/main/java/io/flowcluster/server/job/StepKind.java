package io.flowcluster.server.job;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

public enum StepKind {
    /** Runs a process: an argv list, or a shell string given to {@code /bin/sh -c}. */
    COMMAND("command"),
    /** Does nothing and succeeds; for tests and benchmarks. */
    NOOP("noop"),
    /** Waits until the job receives the named message (an approval gate), then succeeds. */
    WAIT("wait"),
    /**
     * Processes a list of records or a range of integers in packets, each item by the step's
     * command (or, without one, the noop handler), and collects a result per item.
     */
    FANOUT("fanout");

    /** Kinds whose running attempt holds no slot of the node's task pool. */
    public static final Set<StepKind> SLOTLESS = EnumSet.of(WAIT, FANOUT);

    /**
     * Kinds a DISTRIBUTED job runs on any node; a wait step stays with the owner, which
     * processes the job's messages, and a fanout step's coordinator with the owner as well.
     */
    public static final Set<StepKind> SPREADABLE = EnumSet.of(COMMAND, NOOP);

    private final String wireName;

    StepKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether a running attempt of this kind holds one of its node's task slots. */
    public boolean holdsSlot() {
        return !SLOTLESS.contains(this);
    }

    public static Optional<StepKind> fromWireName(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }

    public static String allowedNames() {
        return String.join(", ", Arrays.stream(values()).map(StepKind::wireName).toList());
    }
}
