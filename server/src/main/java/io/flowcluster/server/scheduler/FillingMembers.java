package io.flowcluster.server.scheduler;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Members that joined (or came back) and still hold less than the average of active jobs:
 * with bounded loads, only these call jobs home at step boundaries. A leave then moves the
 * leaver's jobs and nothing else, while a joiner still fills up to its share. Pure, with
 * memory: it compares each pass's eligible members with the previous pass's.
 */
public final class FillingMembers {

    private Set<String> previous;
    private final Set<String> filling = new HashSet<>();

    /** This node lost the lease: whoever holds it next starts without memory. */
    public void forget() {
        previous = null;
        filling.clear();
    }

    /**
     * @param eligible members that take work in this pass
     * @param load     active jobs per owner
     * @return the members filling up now
     */
    public Set<String> update(Set<String> eligible, Map<String, Integer> load) {
        long total = eligible.stream().mapToLong(m -> load.getOrDefault(m, 0)).sum();
        int n = eligible.size();
        if (previous == null) {
            // a scheduler that just took over does not know who joined: a member under half its share did
            eligible.stream().filter(m -> (long) load.getOrDefault(m, 0) * n * 2 < total).forEach(filling::add);
        } else {
            eligible.stream().filter(m -> !previous.contains(m)).forEach(filling::add);
        }
        filling.removeIf(m -> !eligible.contains(m) || (total > 0 && (long) load.getOrDefault(m, 0) * n >= total));
        previous = Set.copyOf(eligible);
        return Set.copyOf(filling);
    }
}
