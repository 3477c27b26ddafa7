package io.flowcluster.server.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Stops a process and everything it started: SIGTERM to the tree, SIGKILL after a grace period. */
final class ProcessTree {

    private static final long POLL_MILLIS = 20;

    private ProcessTree() {
    }

    static void kill(Process process, Duration grace) {
        // collect the tree first: once the root dies its children are re-parented out of reach
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(0, process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (System.nanoTime() < deadline && tree.stream().anyMatch(ProcessHandle::isAlive)) {
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
