package io.flowcluster.server.ring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * A consistent-hash ring over members, with virtual nodes. Pure and deterministic: the same
 * members give the same ring on every node and in the operator. A point's position is the
 * first 64 bits of MurmurHash3 x64-128 (seed 0) of {@code "<member>#<i>"}; a key's is that
 * of its UTF-8 bytes; a key belongs to the first point at or after it, wrapping around.
 */
public final class HashRing {

    private final long[] positions;
    private final String[] owners;
    private final Set<String> members;

    public HashRing(Collection<String> members, int virtualNodes) {
        if (virtualNodes < 1) {
            throw new IllegalArgumentException("virtualNodes must be at least 1, was " + virtualNodes);
        }
        this.members = new TreeSet<>(members);
        List<Point> points = new ArrayList<>(this.members.size() * virtualNodes);
        for (String member : this.members) {
            for (int i = 0; i < virtualNodes; i++) {
                points.add(new Point(position(member + "#" + i), member));
            }
        }
        // ties (astronomically rare) are broken by member name, so every node agrees
        points.sort((a, b) -> a.position != b.position ? Long.compare(a.position, b.position) : a.member.compareTo(b.member));
        positions = new long[points.size()];
        owners = new String[points.size()];
        for (int i = 0; i < points.size(); i++) {
            positions[i] = points.get(i).position;
            owners[i] = points.get(i).member;
        }
    }

    public Set<String> members() {
        return members;
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** The member that owns the key. */
    public String owner(String key) {
        if (isEmpty()) {
            throw new IllegalStateException("the ring has no members");
        }
        return owners[firstPointAtOrAfter(position(key))];
    }

    /** Every member once, in the order met walking clockwise from the key: its owner first. */
    public List<String> walk(String key) {
        Set<String> order = new LinkedHashSet<>();
        if (isEmpty()) {
            return List.of();
        }
        int start = firstPointAtOrAfter(position(key));
        for (int i = 0; i < owners.length && order.size() < members.size(); i++) {
            order.add(owners[(start + i) % owners.length]);
        }
        return new ArrayList<>(order);
    }

    private int firstPointAtOrAfter(long position) {
        int i = Arrays.binarySearch(positions, position);
        if (i < 0) {
            i = -i - 1;
        }
        return i == positions.length ? 0 : i;
    }

    static long position(String text) {
        return MurmurHash3.hash128x64(text.getBytes(StandardCharsets.UTF_8))[0];
    }

    private record Point(long position, String member) {
    }
}
