package io.flowcluster.server.store;

import io.flowcluster.server.notify.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Writes in groups: whatever arrived while the previous group was being written goes into the
 * next transaction together (group commit), so a busy node pays one commit and one round of
 * locks for many writes instead of one each (step ends, submissions). A group the database
 * refuses is written again one by one: one bad write must not fail the others.
 *
 * @param <I> what is written
 * @param <O> what writing one answers
 */
public final class GroupCommit<I, O> {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private record Pending<I, O>(I item, CompletableFuture<O> written) {
    }

    private final String what;
    private final int maxGroup;
    private final Function<List<I>, List<O>> store;
    private final BlockingQueue<Pending<I, O>> queue = new LinkedBlockingQueue<>();

    /**
     * @param what     what is written, for the log and the writer thread's name
     * @param maxGroup large enough to amortise a commit, small enough to keep locks short
     * @param store    writes a group in one transaction, answering one result per item in order
     */
    public GroupCommit(String what, int maxGroup, Function<List<I>, List<O>> store) {
        this.what = what;
        this.maxGroup = maxGroup;
        this.store = store;
        Threads.daemon("flow-group-commit-" + what.replace(' ', '-'), this::writeGroups).start();
    }

    /** Writes the item, together with others that are waiting; throws what writing threw. */
    public O write(I item) {
        Pending<I, O> pending = new Pending<>(item, new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.written().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void writeGroups() {
        List<Pending<I, O>> group = new ArrayList<>();
        while (true) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(group, maxGroup - 1);
            try {
                write(group);
            } catch (RuntimeException e) {
                if (group.size() > 1 && !DatabaseErrors.unreachable(e)) {
                    LOG.debugf("Writing %d %s together failed (%s); writing each alone", group.size(), what, e.getMessage());
                    group.forEach(this::writeAlone);
                } else {
                    group.forEach(p -> p.written().completeExceptionally(e));
                }
            } catch (Error e) { // never let the writer die: every caller waits on it
                group.forEach(p -> p.written().completeExceptionally(e));
            }
            group.clear();
        }
    }

    private void write(List<Pending<I, O>> group) {
        List<O> results = store.apply(group.stream().map(Pending::item).toList());
        for (int i = 0; i < group.size(); i++) {
            group.get(i).written().complete(results.get(i));
        }
    }

    private void writeAlone(Pending<I, O> pending) {
        try {
            write(List.of(pending));
        } catch (RuntimeException e) {
            pending.written().completeExceptionally(e);
        }
    }
}
