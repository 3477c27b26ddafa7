package io.flowcluster.server.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The pool's connections plan each prepared statement once, generically: {@code plan_cache_mode
 * = force_generic_plan}, set on every connection ({@code quarkus.datasource.jdbc.new-connection-sql}).
 * The statements every step goes through (dispatch, claim, ends, the node's read of what it was
 * started on, the scheduler's read of the queue's head) find rows by key, so one plan serves
 * whatever values are bound; left to itself PostgreSQL plans each execution anew (array
 * parameters keep it on custom plans), which was about a third of their database time. Set per
 * transaction instead, the setting cost each of the step path's reads two round trips of its
 * own (the setting and the commit); sent in one query with the read, it left the read
 * unprepared by the driver, planned anew each time.
 *
 * The API's job list is the exception: its filters (states, labels, a name) make the best plan
 * depend on the values, so it asks for PostgreSQL's own choice for its transaction.
 */
final class GenericPlans {

    private GenericPlans() {
    }

    /** Runs {@code read} in a transaction that plans with the values bound ({@code plan_cache_mode = auto}). */
    static <R> R choosingPerExecution(Jdbi jdbi, HandleCallback<R, RuntimeException> read) {
        return jdbi.withHandle(h -> choosingPerExecution(h, read));
    }

    static <R> R choosingPerExecution(Handle h, HandleCallback<R, RuntimeException> read) {
        return h.inTransaction(tx -> {
            tx.createQuery("select set_config('plan_cache_mode', 'auto', true)").mapTo(String.class).one();
            return read.withHandle(tx);
        });
    }
}
