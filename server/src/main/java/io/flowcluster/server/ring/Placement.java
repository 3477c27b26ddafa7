package io.flowcluster.server.ring;

import java.util.Map;

/** How a job gets its owner. */
public enum Placement {
    /** The ring owner, whatever its load. */
    HASH,
    /**
     * Consistent hashing with bounded loads: walk clockwise from the job past every member
     * that already holds {@code ceil(loadFactor * (jobs + 1) / members)} active jobs.
     */
    BOUNDED_LOAD;

    /**
     * @param load active jobs per member now (members missing from it hold none)
     */
    public String place(HashRing ring, String jobId, Map<String, Integer> load, double loadFactor) {
        if (this == HASH) {
            return ring.owner(jobId);
        }
        int bound = bound(load, ring.members().size(), loadFactor);
        for (String member : ring.walk(jobId)) {
            if (load.getOrDefault(member, 0) < bound) {
                return member;
            }
        }
        return ring.owner(jobId); // unreachable: the bound always leaves room somewhere
    }

    /** The most active jobs a member may hold once one more is placed. */
    public static int bound(Map<String, Integer> load, int members, double loadFactor) {
        long total = 0;
        for (int l : load.values()) {
            total += l;
        }
        return (int) Math.ceil(loadFactor * (total + 1) / members);
    }

    public static Placement fromConfig(String value) {
        return switch (value) {
            case "hash" -> HASH;
            case "bounded-load" -> BOUNDED_LOAD;
            default -> throw new IllegalArgumentException("placement must be hash or bounded-load, was " + value);
        };
    }
}
