package io.flowcluster.server.fanout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides how many waiting packets a coordinator deals to each node in one round. Pure. Each
 * packet goes to the node with the lowest queue for its weight; a node whose queue is full
 * takes none (the packets wait for room instead of being dropped). Once the cluster has at
 * least {@code remoteBias} members, the coordinator's own weight is {@link #COORDINATOR_SHARE}
 * of a remote node's, since it also does the bookkeeping.
 */
public final class PacketDealer {

    public static final double COORDINATOR_SHARE = 0.5;

    private PacketDealer() {
    }

    /**
     * @param waiting     packets waiting to be dealt
     * @param members     nodes that may take packets, in a stable order (ties go to the first)
     * @param coordinator the node dealing
     * @param queued      packets queued per node now, from every job
     * @param queueLimit  most packets queued per node, 0 for no bound
     * @param remoteBias  members from which on the coordinator keeps a smaller share
     * @return packets to deal per node, only nodes that get some
     */
    public static Map<String, Integer> deal(int waiting, List<String> members, String coordinator,
            Map<String, Integer> queued, int queueLimit, int remoteBias) {
        int n = members.size();
        double[] weight = new double[n];
        int[] load = new int[n];
        int[] dealt = new int[n];
        boolean biased = n >= remoteBias;
        for (int i = 0; i < n; i++) {
            weight[i] = biased && members.get(i).equals(coordinator) ? COORDINATOR_SHARE : 1.0;
            load[i] = queued.getOrDefault(members.get(i), 0);
        }
        for (int p = 0; p < waiting; p++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                boolean room = queueLimit == 0 || load[i] < queueLimit;
                if (room && (best < 0 || (load[i] + 1) / weight[i] < (load[best] + 1) / weight[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            load[best]++;
            dealt[best]++;
        }
        Map<String, Integer> deal = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            if (dealt[i] > 0) {
                deal.put(members.get(i), dealt[i]);
            }
        }
        return deal;
    }
}
