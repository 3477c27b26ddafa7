package io.flowcluster.server.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * For the transactions every step goes through (dispatch, claim, applying ends) and the reads
 * every step causes (the node's of what it was started on, the scheduler's of the queue's head).
 * Their statements find rows by key, so one plan serves whatever values are bound; left to
 * itself PostgreSQL plans each execution anew (array parameters keep it on custom plans, and a
 * node's read its own way), which was about a third of their database time. Measured:
 * PostgreSQL CPU per noop job 1.4 ms instead of 1.8 for the transactions; planning the two
 * reads took 0.5 and 0.33 ms a call, against 0.18 to execute them.
 */
final class GenericPlans {

    /** For the rest of the transaction only: the pool's other users keep PostgreSQL's own choice. */
    static final String SETTING = "set_config('plan_cache_mode', 'force_generic_plan', true)";

    private GenericPlans() {
    }

    /** Runs {@code read} in a transaction of its own that uses generic plans. */
    static <R> R read(Jdbi jdbi, HandleCallback<R, RuntimeException> read) {
        return jdbi.inTransaction(h -> {
            use(h);
            return read.withHandle(h);
        });
    }

    static void use(Handle h) {
        h.createQuery("select " + SETTING).mapTo(String.class).one();
    }
}
