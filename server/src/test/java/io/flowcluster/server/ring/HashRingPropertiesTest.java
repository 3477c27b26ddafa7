package io.flowcluster.server.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Invariant 5: a membership change moves only the jobs that must move, about 1/N of them. */
class HashRingPropertiesTest {

    private static final int VIRTUAL_NODES = 200;
    private static final int KEYS = 5_000;

    private static List<String> members(int n) {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            members.add("flow-" + i);
        }
        return members;
    }

    private static List<String> keys(long seed) {
        java.util.Random random = new java.util.Random(seed);
        List<String> keys = new ArrayList<>(KEYS);
        for (int i = 0; i < KEYS; i++) {
            keys.add(new UUID(random.nextLong(), random.nextLong()).toString());
        }
        return keys;
    }

    @Property(tries = 20)
    void theSameMembersInAnyOrderGiveTheSameOwners(@ForAll @IntRange(min = 1, max = 20) int n, @ForAll long seed) {
        List<String> shuffled = members(n);
        Collections.shuffle(shuffled, new java.util.Random(seed));
        HashRing a = new HashRing(members(n), VIRTUAL_NODES);
        HashRing b = new HashRing(shuffled, VIRTUAL_NODES);
        for (String key : keys(seed).subList(0, 500)) {
            assertThat(b.owner(key)).isEqualTo(a.owner(key));
        }
    }

    @Property(tries = 15)
    void aJoinMovesOnlyKeysToTheNewMemberAboutOneInNPlusOne(@ForAll @IntRange(min = 2, max = 30) int n,
            @ForAll @LongRange(min = 1) long seed) {
        HashRing before = new HashRing(members(n), VIRTUAL_NODES);
        List<String> grown = members(n);
        grown.add("joiner");
        HashRing after = new HashRing(grown, VIRTUAL_NODES);
        int moved = 0;
        for (String key : keys(seed)) {
            String was = before.owner(key);
            String now = after.owner(key);
            if (!was.equals(now)) {
                assertThat(now).as("a key only ever moves to the new member").isEqualTo("joiner");
                moved++;
            }
        }
        double ideal = KEYS / (n + 1.0);
        assertThat(moved).isBetween((int) (ideal * 0.6), (int) (ideal * 1.5));
    }

    @Property(tries = 15)
    void aLeaveMovesOnlyTheLeaversKeys(@ForAll @IntRange(min = 2, max = 30) int n, @ForAll @LongRange(min = 1) long seed) {
        HashRing before = new HashRing(members(n), VIRTUAL_NODES);
        List<String> shrunk = members(n);
        String leaver = shrunk.remove((int) (seed % n));
        HashRing after = new HashRing(shrunk, VIRTUAL_NODES);
        for (String key : keys(seed)) {
            String was = before.owner(key);
            if (!was.equals(leaver)) {
                assertThat(after.owner(key)).isEqualTo(was);
            } else {
                assertThat(after.owner(key)).isNotEqualTo(leaver);
            }
        }
    }

    @Property(tries = 15)
    void boundedLoadKeepsEveryMemberUnderTheBound(@ForAll @IntRange(min = 1, max = 50) int n,
            @ForAll @LongRange(min = 1) long seed) {
        HashRing ring = new HashRing(members(n), VIRTUAL_NODES);
        double loadFactor = 1.10;
        Map<String, Integer> load = new HashMap<>();
        for (String key : keys(seed).subList(0, 2_000)) {
            int bound = Placement.bound(load, n, loadFactor);
            String member = Placement.BOUNDED_LOAD.place(ring, key, load, loadFactor);
            assertThat(load.getOrDefault(member, 0)).isLessThan(bound);
            load.merge(member, 1, Integer::sum);
        }
        int max = load.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        assertThat(max).isLessThanOrEqualTo((int) Math.ceil(loadFactor * 2_000 / n));
    }

    @Property(tries = 10)
    void theWalkVisitsEveryMemberOnceStartingAtTheOwner(@ForAll @IntRange(min = 1, max = 12) int n, @ForAll long seed) {
        HashRing ring = new HashRing(members(n), 16);
        for (String key : keys(seed).subList(0, 100)) {
            List<String> walk = ring.walk(key);
            assertThat(walk).hasSize(n).doesNotHaveDuplicates();
            assertThat(walk.get(0)).isEqualTo(ring.owner(key));
        }
    }
}
