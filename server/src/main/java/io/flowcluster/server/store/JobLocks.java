package io.flowcluster.server.store;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Lock order: a transaction that changes several jobs' steps locks the job rows first, in id
 * order, so that it can never deadlock with another that does the same.
 */
final class JobLocks {

    /** Joined into a lock statement: {@link GenericPlans} for the rest of the transaction. */
    private static final String WITH_GENERIC_PLANS = "(select " + GenericPlans.SETTING + ") as plans, ";

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
        lock(h, jobIds, WITH_GENERIC_PLANS);
    }

    /**
     * {@link #lockAllWithGenericPlans} and {@link Fencing#check} in one statement, the first of
     * a dispatch. No row comes back when the lease is not held or the jobs are gone; only then
     * is the fence checked on its own, to tell the two apart.
     */
    static void lockAllFencedWithGenericPlans(Handle h, Collection<UUID> jobIds, String scheduler, long epoch) {
        List<UUID> locked = lock(h, jobIds, WITH_GENERIC_PLANS + "(" + Fencing.HELD + ") as fence, ",
                q -> q.bind("node", scheduler).bind("epoch", epoch));
        if (locked.isEmpty()) {
            Fencing.check(h, scheduler, epoch);
        }
    }

    private static List<UUID> lock(Handle h, Collection<UUID> jobIds, String alsoFrom) {
        return lock(h, jobIds, alsoFrom, q -> q);
    }

    private static List<UUID> lock(Handle h, Collection<UUID> jobIds, String alsoFrom, UnaryOperator<Query> bindings) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        return bindings.apply(h.createQuery("select j.id from " + alsoFrom + "job j where j.id = any(:ids) order by j.id for update of j"))
                .bind("ids", jobIds.toArray(UUID[]::new))
                .mapTo(UUID.class)
                .list();
    }
}
