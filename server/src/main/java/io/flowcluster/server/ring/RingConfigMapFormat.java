package io.flowcluster.server.ring;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The data of the ring ConfigMap, the contract between the operator and the scheduler:
 * {@code epoch} (a number that increases when membership changes), {@code members} and
 * {@code draining} (comma-separated node ids, sorted).
 */
public final class RingConfigMapFormat {

    public static final String EPOCH = "epoch";
    public static final String MEMBERS = "members";
    public static final String DRAINING = "draining";

    private RingConfigMapFormat() {
    }

    /** Empty when the data does not hold a ring (no members key, or an epoch that is not a number). */
    public static Optional<DesiredRing> parse(Map<String, String> data) {
        if (data == null || !data.containsKey(MEMBERS)) {
            return Optional.empty();
        }
        try {
            long epoch = Long.parseLong(data.getOrDefault(EPOCH, "0").trim());
            return Optional.of(new DesiredRing(epoch, ids(data.get(MEMBERS)), ids(data.get(DRAINING))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static Map<String, String> format(DesiredRing ring) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(EPOCH, Long.toString(ring.epoch()));
        data.put(MEMBERS, String.join(",", new TreeSet<>(ring.members())));
        data.put(DRAINING, String.join(",", new TreeSet<>(ring.draining())));
        return data;
    }

    private static Set<String> ids(String list) {
        if (list == null || list.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
