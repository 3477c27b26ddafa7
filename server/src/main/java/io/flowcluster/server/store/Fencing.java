package io.flowcluster.server.store;

import org.jdbi.v3.core.Handle;

/**
 * Invariant 2: every scheduler write first checks, in its own transaction, that the writer
 * still holds the lease at its epoch. The row is share-locked, so a takeover (which updates
 * it) waits for the write to commit, and every write after the takeover fails here.
 */
final class Fencing {

    /** A row while {@code :node} holds the lease at {@code :epoch}, share-locked. */
    static final String HELD = """
            select 1 from scheduler_lease
            where id = 1 and holder = :node and epoch = :epoch and expires_at > now() for share""";

    private Fencing() {
    }

    static void check(Handle h, String node, long epoch) {
        boolean holds = h.createQuery(HELD)
                .bind("node", node).bind("epoch", epoch)
                .mapTo(Integer.class).findOne().isPresent();
        if (!holds) {
            throw new DeposedException(node, epoch);
        }
    }
}
