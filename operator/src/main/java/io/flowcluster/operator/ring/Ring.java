package io.flowcluster.operator.ring;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The desired ring as the operator publishes it in the {@code <name>-ring} ConfigMap: keys
 * {@code epoch}, {@code members} and {@code draining} (comma-separated, sorted), the format
 * the server's scheduler reads.
 */
public record Ring(long epoch, SortedSet<String> members, SortedSet<String> draining) {

    public Ring {
        members = new TreeSet<>(members);
        draining = new TreeSet<>(draining);
    }

    public Map<String, String> toData() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("epoch", Long.toString(epoch));
        data.put("members", String.join(",", members));
        data.put("draining", String.join(",", draining));
        return data;
    }

    public static Optional<Ring> fromData(Map<String, String> data) {
        if (data == null || !data.containsKey("members")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Ring(Long.parseLong(data.getOrDefault("epoch", "0").trim()),
                    ids(data.get("members")), ids(data.get("draining"))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The ring for these Ready members, of which {@code leaving} drain: the current one when
     * nothing changed, else the next epoch.
     */
    public static Ring next(Optional<Ring> current, Set<String> ready, Set<String> leaving) {
        SortedSet<String> members = new TreeSet<>(ready);
        SortedSet<String> draining = new TreeSet<>(leaving);
        draining.retainAll(members);
        if (current.isPresent() && current.get().members().equals(members) && current.get().draining().equals(draining)) {
            return current.get();
        }
        return new Ring(current.map(Ring::epoch).orElse(0L) + 1, members, draining);
    }

    /**
     * The ring while the StatefulSet scales: members leaving drain as long as the scale-down
     * lasts; once it is done they leave the ring at once, before their pods go, and never
     * come back as full members (the scheduler would dispatch new steps to them).
     */
    public static Ring next(Optional<Ring> current, Set<String> ready, ScaleDown scaleDown) {
        SortedSet<String> members = new TreeSet<>(ready);
        if (scaleDown.done()) {
            members.removeAll(scaleDown.leaving());
            return next(current, members, Set.of());
        }
        return next(current, members, scaleDown.leaving());
    }

    private static SortedSet<String> ids(String list) {
        SortedSet<String> ids = new TreeSet<>();
        if (list != null) {
            Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(ids::add);
        }
        return ids;
    }

    public List<String> memberList() {
        return List.copyOf(members);
    }
}
