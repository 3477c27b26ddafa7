package io.flowcluster.server.job;

import java.util.Arrays;
import java.util.Optional;

public enum StepKind {
    /** Runs a process: an argv list, or a shell string given to {@code /bin/sh -c}. */
    COMMAND("command"),
    /** Does nothing and succeeds; for tests and benchmarks. */
    NOOP("noop"),
    /** Waits until the job receives the named message (an approval gate), then succeeds. */
    WAIT("wait");

    private final String wireName;

    StepKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<StepKind> fromWireName(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }

    public static String allowedNames() {
        return String.join(", ", Arrays.stream(values()).map(StepKind::wireName).toList());
    }
}
