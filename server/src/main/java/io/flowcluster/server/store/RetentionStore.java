package io.flowcluster.server.store;

import jakarta.inject.Singleton;
import org.jdbi.v3.core.Jdbi;

/** Deletes jobs whose retention has run out, with everything that belongs to them (invariant 11). */
@Singleton
public class RetentionStore {

    /** The advisory lock a sweep holds: one node at a time deletes, the others find it taken and wait for their next round. */
    private static final long SWEEP_LOCK = 0x466c6f7752657431L;

    private final Jdbi jdbi;

    RetentionStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Deletes up to {@code limit} expired jobs, oldest expiry first, in one short transaction;
     * their steps, logs, packets, results and messages go with them (on delete cascade), their
     * attempts with the same statement. A job row locked by anyone is skipped, not waited for, so that a sweep never
     * queues behind the hot path. Returns how many were deleted: 0 also when another node
     * holds the sweep.
     */
    public int deleteExpired(int limit) {
        return jdbi.inTransaction(h -> {
            boolean mine = h.createQuery("select pg_try_advisory_xact_lock(:key)").bind("key", SWEEP_LOCK)
                    .mapTo(Boolean.class).one();
            if (!mine) {
                return 0;
            }
            // attempts have no foreign key (migration V12): they go in the same statement
            return h.createQuery("""
                    with gone as (
                        delete from job where id in (
                            select id from job where expires_at < now() order by expires_at limit :limit for update skip locked)
                        returning id),
                    attempts as (delete from step_attempt a using gone where a.job_id = gone.id)
                    select count(*) from gone""")
                    .bind("limit", limit)
                    .mapTo(Integer.class)
                    .one();
        });
    }

    /** Expired jobs not yet deleted, however many (what a sweep has left to do). */
    public long expiredCount() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from job where expires_at < now()").mapTo(Long.class).one());
    }
}
