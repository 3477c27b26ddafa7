package io.flowcluster.contract;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The membership the operator wants, as it publishes it in the ring ConfigMap: keys
 * {@code epoch} (increases when membership changes), {@code members} and {@code draining}
 * (comma-separated node ids, sorted).
 */
public record DesiredRing(long epoch, SortedSet<String> members, SortedSet<String> draining) {

    public static final String EPOCH = "epoch";
    public static final String MEMBERS = "members";
    public static final String DRAINING = "draining";

    public DesiredRing {
        members = new TreeSet<>(members);
        draining = new TreeSet<>(draining);
    }

    public DesiredRing(long epoch, Collection<String> members, Collection<String> draining) {
        this(epoch, new TreeSet<>(members), new TreeSet<>(draining));
    }

    public Map<String, String> toData() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(EPOCH, Long.toString(epoch));
        data.put(MEMBERS, String.join(",", members));
        data.put(DRAINING, String.join(",", draining));
        return data;
    }

    /** Empty when the data does not hold a ring (no members key, or an epoch that is not a number). */
    public static Optional<DesiredRing> fromData(Map<String, String> data) {
        if (data == null || !data.containsKey(MEMBERS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DesiredRing(Long.parseLong(data.getOrDefault(EPOCH, "0").trim()),
                    ids(data.get(MEMBERS)), ids(data.get(DRAINING))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static SortedSet<String> ids(String list) {
        SortedSet<String> ids = new TreeSet<>();
        if (list != null) {
            Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(ids::add);
        }
        return ids;
    }
}
