package io.flowcluster.server.worker;

import io.flowcluster.server.notify.Threads;
import io.flowcluster.server.store.AttemptEnd;
import io.flowcluster.server.store.Completion;
import io.flowcluster.server.store.DatabaseErrors;
import io.flowcluster.server.store.ExecutionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Records attempt ends in groups: whatever ended while the previous group was being written
 * goes into the next transaction together (group commit), so a busy node pays one commit,
 * one lock round and one notification for many steps instead of one each.
 */
final class CompletionQueue {

    private static final Logger LOG = Logger.getLogger(CompletionQueue.class);

    /** A group large enough to amortise a commit, small enough to keep job locks short. */
    private static final int MAX_GROUP = 256;

    private record Pending(AttemptEnd end, CompletableFuture<Completion> recorded) {
    }

    private final Function<List<AttemptEnd>, List<Completion>> store;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();

    /** @param store records a group of ends in one transaction ({@link ExecutionStore#complete}) */
    CompletionQueue(Function<List<AttemptEnd>, List<Completion>> store) {
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
                write(group);
            } catch (RuntimeException e) {
                if (group.size() > 1 && !DatabaseErrors.unreachable(e)) {
                    // one end the database refuses must not hold back the others of its group
                    LOG.warnf("Recording %d step ends together failed (%s); recording each alone", group.size(), e.getMessage());
                    group.forEach(this::writeAlone);
                } else {
                    group.forEach(p -> p.recorded().completeExceptionally(e));
                }
            } catch (Error e) { // never let the writer die: every step waits on it
                group.forEach(p -> p.recorded().completeExceptionally(e));
            }
            group.clear();
        }
    }

    private void write(List<Pending> group) {
        List<Completion> completions = store.apply(group.stream().map(Pending::end).toList());
        for (int i = 0; i < group.size(); i++) {
            group.get(i).recorded().complete(completions.get(i));
        }
    }

    private void writeAlone(Pending pending) {
        try {
            write(List.of(pending));
        } catch (RuntimeException e) {
            pending.recorded().completeExceptionally(e);
        }
    }
}
