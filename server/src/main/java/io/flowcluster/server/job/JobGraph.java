package io.flowcluster.server.job;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The dependency DAG of one job's steps, by step index. Pure: it computes what a state
 * change implies (who becomes ready, who is skipped, how the job ends); the stores apply it.
 */
public final class JobGraph {

    private final int[][] dependsOn;
    private final List<List<Integer>> dependents;

    public JobGraph(int[][] dependsOn) {
        this.dependsOn = dependsOn;
        this.dependents = new ArrayList<>(dependsOn.length);
        for (int i = 0; i < dependsOn.length; i++) {
            dependents.add(new ArrayList<>());
        }
        for (int step = 0; step < dependsOn.length; step++) {
            for (int dependency : dependsOn[step]) {
                dependents.get(dependency).add(step);
            }
        }
    }

    public int size() {
        return dependsOn.length;
    }

    public boolean isRoot(int step) {
        return dependsOn[step].length == 0;
    }

    /** A cycle as step indexes, first repeated last ({@code [0, 2, 0]}), if there is one. */
    public Optional<List<Integer>> cycle() {
        int[] color = new int[size()]; // 0 unvisited, 1 on the current path, 2 done
        int[] parent = new int[size()];
        for (int start = 0; start < size(); start++) {
            if (color[start] != 0) {
                continue;
            }
            // iterative DFS over "depends on" edges: deep DAGs must not overflow the stack
            Deque<int[]> stack = new ArrayDeque<>();
            stack.push(new int[] {start, 0});
            color[start] = 1;
            parent[start] = -1;
            while (!stack.isEmpty()) {
                int[] frame = stack.peek();
                int node = frame[0];
                if (frame[1] == dependsOn[node].length) {
                    color[node] = 2;
                    stack.pop();
                    continue;
                }
                int next = dependsOn[node][frame[1]++];
                if (color[next] == 1) {
                    List<Integer> cycle = new ArrayList<>();
                    cycle.add(next);
                    for (int at = node; at != next; at = parent[at]) {
                        cycle.add(0, at);
                    }
                    cycle.add(0, next);
                    return Optional.of(cycle);
                }
                if (color[next] == 0) {
                    color[next] = 1;
                    parent[next] = node;
                    stack.push(new int[] {next, 0});
                }
            }
        }
        return Optional.empty();
    }

    /** The PENDING dependents of {@code finished} whose dependencies have all succeeded. */
    public List<Integer> readyAfterSuccess(int finished, StepState[] states) {
        List<Integer> ready = new ArrayList<>();
        for (int candidate : dependents.get(finished)) {
            if (states[candidate] == StepState.PENDING && allSucceeded(dependsOn[candidate], states)) {
                ready.add(candidate);
            }
        }
        return ready;
    }

    /** Every step that depends on {@code failed}, directly or not, and has not ended yet. */
    public List<Integer> skippedAfterFailure(int failed, StepState[] states) {
        BitSet seen = new BitSet(size());
        Deque<Integer> todo = new ArrayDeque<>(dependents.get(failed));
        List<Integer> skipped = new ArrayList<>();
        while (!todo.isEmpty()) {
            int step = todo.pop();
            if (seen.get(step)) {
                continue;
            }
            seen.set(step);
            if (!states[step].isTerminal()) {
                skipped.add(step);
            }
            todo.addAll(dependents.get(step));
        }
        skipped.sort(null);
        return skipped;
    }

    /**
     * How the job ends once every step has: FAILED if any step failed, ABORTED if any was
     * aborted, SUCCEEDED otherwise; empty while a step is still to run.
     */
    public static Optional<JobState> outcome(StepState[] states) {
        boolean failed = false;
        boolean aborted = false;
        for (StepState s : states) {
            if (!s.isTerminal()) {
                return Optional.empty();
            }
            failed |= s == StepState.FAILED;
            aborted |= s == StepState.ABORTED;
        }
        return Optional.of(failed ? JobState.FAILED : aborted ? JobState.ABORTED : JobState.SUCCEEDED);
    }

    private static boolean allSucceeded(int[] steps, StepState[] states) {
        for (int s : steps) {
            if (states[s] != StepState.SUCCEEDED) {
                return false;
            }
        }
        return true;
    }
}
