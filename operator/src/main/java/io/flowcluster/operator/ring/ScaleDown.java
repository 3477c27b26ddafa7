package io.flowcluster.operator.ring;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Scale-down without losing work, pure: when {@code spec.replicas} drops, the pods with the
 * highest ordinals leave. They are marked draining in the ring first; the StatefulSet shrinks
 * once the scheduler reports them drained, or they are no longer Ready members (gone, their
 * jobs fail over), or once the drain timeout has passed.
 *
 * @param replicas what the StatefulSet should have now
 * @param leaving  members draining for the scale-down (empty when none is under way)
 * @param done     whether the StatefulSet may shrink to the spec now
 */
public record ScaleDown(int replicas, SortedSet<String> leaving, boolean done) {

    /**
     * The pods the StatefulSet still wants ({@code <name>-<ordinal>} below {@code replicas}):
     * a pod it let go may linger a moment in a cache, and must never be a ring member again.
     */
    public static SortedSet<String> stillWanted(String name, Set<String> pods, int replicas) {
        SortedSet<String> wanted = new TreeSet<>();
        for (String pod : pods) {
            String ordinal = pod.startsWith(name + "-") ? pod.substring(name.length() + 1) : "";
            if (ordinal.matches("[0-9]{1,9}") && Integer.parseInt(ordinal) < replicas) {
                wanted.add(pod);
            }
        }
        return wanted;
    }

    public static ScaleDown decide(String name, int specReplicas, int currentReplicas, Set<String> ready,
            Set<String> drained, Instant since, Instant now, Duration timeout) {
        if (specReplicas >= currentReplicas) {
            return new ScaleDown(specReplicas, new TreeSet<>(), true);
        }
        SortedSet<String> leaving = new TreeSet<>();
        for (int i = specReplicas; i < currentReplicas; i++) {
            leaving.add(name + "-" + i);
        }
        boolean allDrained = leaving.stream().allMatch(m -> drained.contains(m) || !ready.contains(m));
        boolean timedOut = since != null && !now.isBefore(since.plus(timeout));
        return allDrained || timedOut
                ? new ScaleDown(specReplicas, leaving, true)
                : new ScaleDown(currentReplicas, leaving, false);
    }
}
