package io.flowcluster.server.store;

import java.util.Collection;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Lock order: a transaction that changes several jobs' steps locks the job rows first, in id
 * order, so that it can never deadlock with another that does the same.
 */
final class JobLocks {

    /**
     * Locks, in id order, the jobs {@code :ids} while {@code :node} holds the lease at {@code :epoch}
     * ({@link Fencing#HELD}), and sets {@link GenericPlans} for the rest of the transaction: the
     * first statement of a dispatch. No row comes back when the lease is not held or the jobs are gone.
     */
    static final String FENCED_BY_IDS = fenced("j.id = any(:ids)");

    /**
     * The same for the jobs with an end recorded and not applied yet (see {@link ExecutionStore#ENDED_UNAPPLIED}).
     */
    static final String FENCED_WITH_RECORDED_ENDS = fenced(
            "j.id in (select s.job_id from step s where s.state = 'RUNNING' and " + ExecutionStore.ENDED_UNAPPLIED + ")");

    private JobLocks() {
    }

    private static String fenced(String which) {
        return "select j.id from (select " + GenericPlans.SETTING + ") as plans, (" + Fencing.HELD + ") as fence, job j where "
                + which + " order by j.id for update of j";
    }

    static void lockAll(Handle h, Collection<UUID> jobIds) {
        if (!jobIds.isEmpty()) {
            h.createQuery("select j.id from job j where j.id = any(:ids) order by j.id for update of j")
                    .bind("ids", jobIds.toArray(UUID[]::new))
                    .mapTo(UUID.class)
                    .list();
        }
    }
}
