package io.flowcluster.server.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Lock order: a transaction that changes several jobs' steps locks the job rows first, in id
 * order, so that it can never deadlock with another that does the same.
 */
final class JobLocks {

    /**
     * Joined into a lock statement, the first of the scheduler's transactions: a row only while
     * the lease is held ({@link Fencing#HELD}).
     */
    private static final String FENCED = "(" + Fencing.HELD + ") as fence, ";

    private JobLocks() {
    }

    static void lockAll(Handle h, Collection<UUID> jobIds) {
        if (!jobIds.isEmpty()) {
            lock(h, "", "j.id = any(:ids)", q -> q.bind("ids", jobIds.toArray(UUID[]::new)));
        }
    }

    /**
     * {@link #lockAll} and {@link Fencing#check} in one statement, the first of a dispatch. No row
     * comes back when the lease is not held or the jobs are gone; only then is the fence checked
     * on its own, to tell the two apart.
     */
    static void lockAllFenced(Handle h, Collection<UUID> jobIds, String scheduler, long epoch) {
        if (lockFenced(h, jobIds, scheduler, epoch).isEmpty()) {
            Fencing.check(h, scheduler, epoch);
        }
    }

    /**
     * Locks the jobs with an end recorded and not applied yet (see {@link ExecutionStore#ENDED_UNAPPLIED}),
     * or those of {@code among} (by key: the nodes named them), while {@code scheduler} holds the
     * lease at {@code epoch}; returns them. None when the fence is lost: nothing is written then,
     * so nothing need be told apart.
     */
    static List<UUID> lockWithRecordedEndsFenced(Handle h, String scheduler, long epoch, Optional<Collection<UUID>> among) {
        if (among.isPresent()) {
            return lockFenced(h, among.get(), scheduler, epoch);
        }
        return lock(h, FENCED, """
                j.id in (select s.job_id from step s where s.state = 'RUNNING' and """ + ExecutionStore.ENDED_UNAPPLIED + ")",
                q -> q.bind("node", scheduler).bind("epoch", epoch));
    }

    private static List<UUID> lockFenced(Handle h, Collection<UUID> jobIds, String scheduler, long epoch) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        return lock(h, FENCED, "j.id = any(:ids)",
                q -> q.bind("ids", jobIds.toArray(UUID[]::new)).bind("node", scheduler).bind("epoch", epoch));
    }

    private static List<UUID> lock(Handle h, String alsoFrom, String which, UnaryOperator<Query> bindings) {
        return bindings.apply(h.createQuery("select j.id from " + alsoFrom + "job j where " + which + " order by j.id for update of j"))
                .mapTo(UUID.class)
                .list();
    }
}
