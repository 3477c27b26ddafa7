package io.flowcluster.operator.ring;

import io.flowcluster.contract.DesiredRing;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** The next ring the operator publishes, pure: a new epoch only when members or draining changed. */
public final class RingChange {

    private RingChange() {
    }

    /**
     * The ring for these Ready members, of which {@code leaving} drain: the current one when
     * nothing changed, else the next epoch.
     */
    public static DesiredRing next(Optional<DesiredRing> current, Set<String> ready, Set<String> leaving) {
        SortedSet<String> members = new TreeSet<>(ready);
        SortedSet<String> draining = new TreeSet<>(leaving);
        draining.retainAll(members);
        if (current.isPresent() && current.get().members().equals(members) && current.get().draining().equals(draining)) {
            return current.get();
        }
        return new DesiredRing(current.map(DesiredRing::epoch).orElse(0L) + 1, members, draining);
    }

    /**
     * The ring while the StatefulSet scales: members leaving drain as long as the scale-down
     * lasts; once it is done they leave the ring at once, before their pods go, and never
     * come back as full members (the scheduler would dispatch new steps to them).
     */
    public static DesiredRing next(Optional<DesiredRing> current, Set<String> ready, ScaleDown scaleDown) {
        SortedSet<String> members = new TreeSet<>(ready);
        if (scaleDown.done()) {
            members.removeAll(scaleDown.leaving());
            return next(current, members, Set.of());
        }
        return next(current, members, scaleDown.leaving());
    }
}
