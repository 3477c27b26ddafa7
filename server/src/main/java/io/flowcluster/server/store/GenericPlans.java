package io.flowcluster.server.store;

import org.jdbi.v3.core.Handle;

/**
 * For the transactions every step goes through (dispatch, claim, completion). Their statements
 * find rows by key, so one plan serves whatever values are bound; left to itself PostgreSQL
 * plans each execution anew (array parameters keep it on custom plans), which was about a third
 * of their database time. Measured: PostgreSQL CPU per noop job 1.4 ms instead of 1.8.
 */
final class GenericPlans {

    /** For the rest of the transaction only: the pool's other users keep PostgreSQL's own choice. */
    static final String SETTING = "set_config('plan_cache_mode', 'force_generic_plan', true)";

    private GenericPlans() {
    }

    static void use(Handle h) {
        h.createQuery("select " + SETTING).mapTo(String.class).one();
    }
}
