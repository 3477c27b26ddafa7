package io.flowcluster.server.worker;

import io.flowcluster.server.notify.Threads;
import io.flowcluster.server.store.AttemptEnd;
import io.flowcluster.server.store.Completion;
import io.flowcluster.server.store.ExecutionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Records attempt ends in groups: whatever ended while the previous group was being written
 * goes into the next transaction together (group commit), so a busy node pays one commit,
 * one lock round and one notification for many steps instead of one each.
 */
final class CompletionQueue {

    /** A group large enough to amortise a commit, small enough to keep job locks short. */
    private static final int MAX_GROUP = 256;

    private record Pending(AttemptEnd end, CompletableFuture<Completion> recorded) {
    }

    private final ExecutionStore store;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();

    CompletionQueue(ExecutionStore store) {
        this.store = store;
        Threads.daemon("flow-completions", this::writeGroups).start();
    }

    /** Records the end, together with others that are waiting; throws what recording threw. */
    Completion record(AttemptEnd end) {
        Pending pending = new Pending(end, new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.recorded().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void writeGroups() {
        List<Pending> group = new ArrayList<>();
        while (true) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(group, MAX_GROUP - 1);
            try {
                List<Completion> completions = store.complete(group.stream().map(Pending::end).toList());
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).recorded().complete(completions.get(i));
                }
            } catch (RuntimeException | Error e) { // never let the writer die: every step waits on it
                group.forEach(p -> p.recorded().completeExceptionally(e));
            }
            group.clear();
        }
    }
}
