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
        if (jobIds.isEmpty()) {
            return;
        }
        h.createQuery("select id from job where id = any(:ids) order by id for update")
                .bind("ids", jobIds.toArray(UUID[]::new))
                .mapTo(UUID.class)
                .list();
    }
}
