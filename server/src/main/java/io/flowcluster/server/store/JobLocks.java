package io.flowcluster.server.store;

import java.util.Collection;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Lock order: a transaction that changes several jobs' steps locks the job rows first, in id
 * order, so that it can never deadlock with another that does the same.
 */
final class JobLocks {

    private JobLocks() {
    }

    static void lockAll(Handle h, Collection<UUID> jobIds) {
        lock(h, jobIds, "");
    }

    /**
     * {@link #lockAll}, and {@link GenericPlans} for the rest of the transaction, in one
     * statement: one round trip less for the step path's transactions, which begin with both.
     */
    static void lockAllWithGenericPlans(Handle h, Collection<UUID> jobIds) {
        lock(h, jobIds, "(select " + GenericPlans.SETTING + ") as plans, ");
    }

    private static void lock(Handle h, Collection<UUID> jobIds, String alsoFrom) {
        if (jobIds.isEmpty()) {
            return;
        }
        h.createQuery("select j.id from " + alsoFrom + "job j where j.id = any(:ids) order by j.id for update of j")
                .bind("ids", jobIds.toArray(UUID[]::new))
                .mapTo(UUID.class)
                .list();
    }
}
