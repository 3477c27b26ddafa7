package io.flowcluster.e2e.benchmark;

import io.flowcluster.e2e.harness.BenchmarkReport;
import io.flowcluster.server.ring.HashRing;
import io.flowcluster.server.ring.Placement;
import io.flowcluster.server.scheduler.FillingMembers;
import io.flowcluster.server.scheduler.Ownership;
import io.flowcluster.server.store.Candidate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Ring quality for 3 to 50 members, with the server's own classes: how even the load is
 * (max/avg owned jobs) under hash and bounded-load placement, and how many jobs a join or
 * a leave moves against the 1/N optimum, as the scheduler's ownership rules move them.
 */
class RingQualityBenchmark {

    private static final int JOBS = 20_000;
    private static final int VIRTUAL_NODES = 256;
    private static final double LOAD_FACTOR = 1.10;

    @Test
    void ringQuality() {
        Random random = new Random(7);
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(new UUID(random.nextLong(), random.nextLong()));
        }
        List<Integer> sizes = List.of(3, 5, 10, 20, 30, 40, 50);
        List<List<Object>> rows = new ArrayList<>();
        Map<String, List<? extends Number>> balance = new LinkedHashMap<>();
        Map<String, List<? extends Number>> movement = new LinkedHashMap<>();
        List<Double> hashBalance = new ArrayList<>();
        List<Double> boundedBalance = new ArrayList<>();
        List<Double> hashJoin = new ArrayList<>();
        List<Double> boundedJoin = new ArrayList<>();
        List<Double> hashLeave = new ArrayList<>();
        List<Double> boundedLeave = new ArrayList<>();
        for (int n : sizes) {
            Set<String> members = members(n);
            Map<UUID, String> hash = place(jobs, members, Placement.HASH);
            Map<UUID, String> bounded = place(jobs, members, Placement.BOUNDED_LOAD);
            hashBalance.add(maxOverAverage(hash, n));
            boundedBalance.add(maxOverAverage(bounded, n));

            Set<String> joined = members(n + 1);
            Set<String> left = members(n);
            left.remove("node-0");
            double joinOptimum = (double) JOBS / (n + 1);
            double leaveOptimum = (double) JOBS / n;
            hashJoin.add(moved(jobs, hash, joined, Placement.HASH) / joinOptimum);
            boundedJoin.add(moved(jobs, bounded, joined, Placement.BOUNDED_LOAD) / joinOptimum);
            hashLeave.add(moved(jobs, hash, left, Placement.HASH) / leaveOptimum);
            boundedLeave.add(moved(jobs, bounded, left, Placement.BOUNDED_LOAD) / leaveOptimum);
            int i = hashBalance.size() - 1;
            long leaverHeld = bounded.values().stream().filter("node-0"::equals).count();
            double boundedLeaveOfLeaver = moved(jobs, bounded, left, Placement.BOUNDED_LOAD) / (double) leaverHeld;
            rows.add(List.of(n, hashBalance.get(i), boundedBalance.get(i), hashJoin.get(i), boundedJoin.get(i),
                    hashLeave.get(i), boundedLeave.get(i), boundedLeaveOfLeaver));
        }
        BenchmarkReport.table("Ring quality: " + JOBS + " jobs, " + VIRTUAL_NODES + " virtual nodes, bounded-load factor " + LOAD_FACTOR,
                List.of("members", "max/avg hash", "max/avg bounded-load", "join moved/optimum hash",
                        "join moved/optimum bounded-load", "leave moved/optimum hash", "leave moved/optimum bounded-load",
                        "leave moved/leaver's jobs bounded-load"),
                rows);
        balance.put("hash", hashBalance);
        balance.put("bounded-load (" + LOAD_FACTOR + ")", boundedBalance);
        BenchmarkReport.lines("ring-balance", "Owned jobs, max / average", "members", "max / avg", sizes, balance);
        movement.put("join, hash", hashJoin);
        movement.put("join, bounded-load", boundedJoin);
        movement.put("leave, hash", hashLeave);
        movement.put("leave, bounded-load", boundedLeave);
        BenchmarkReport.lines("ring-movement", "Jobs moved by a membership change, against the 1/N optimum", "members",
                "moved / optimum", sizes, movement);
    }

    private static Set<String> members(int n) {
        Set<String> members = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            members.add("node-" + i);
        }
        return members;
    }

    /** Jobs placed one after another, each new one seeing the load so far (as the scheduler does). */
    private static Map<UUID, String> place(List<UUID> jobs, Set<String> members, Placement placement) {
        HashRing ring = new HashRing(members, VIRTUAL_NODES);
        Map<String, Integer> load = new HashMap<>();
        Map<UUID, String> owners = new HashMap<>();
        for (UUID job : jobs) {
            String owner = placement.place(ring, job.toString(), load, LOAD_FACTOR);
            owners.put(job, owner);
            load.merge(owner, 1, Integer::sum);
        }
        return owners;
    }

    /** Owners after the change, as the scheduler's Ownership decides them at each job's next step boundary. */
    private static int moved(List<UUID> jobs, Map<UUID, String> before, Set<String> after, Placement placement) {
        Map<String, Integer> load = new HashMap<>();
        before.values().forEach(owner -> load.merge(owner, 1, Integer::sum));
        // as the scheduler sees it: the members before, then after (a joined member is filling up)
        FillingMembers filling = new FillingMembers();
        filling.update(Set.copyOf(before.values()), load);
        Ownership ownership = new Ownership(new HashRing(after, VIRTUAL_NODES), after, filling.update(after, load), load,
                placement, LOAD_FACTOR);
        int moved = 0;
        for (UUID job : jobs) {
            if (!ownership.ownerFor(new Candidate(job, 0, before.get(job), false, false, true)).equals(before.get(job))) {
                moved++;
            }
        }
        return moved;
    }

    private static double maxOverAverage(Map<UUID, String> owners, int members) {
        Map<String, Integer> load = new HashMap<>();
        owners.values().forEach(owner -> load.merge(owner, 1, Integer::sum));
        int max = load.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return max / ((double) owners.size() / members);
    }
}
