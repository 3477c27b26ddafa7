package io.flowcluster.server.cluster;

import io.flowcluster.contract.SchedulerState;

/**
 * Where the scheduler's applied state goes beyond the database. With {@code kubernetes}
 * coordination: a ConfigMap the operator reads. Called after every scheduler pass; an
 * implementation writes only what changed.
 */
public interface StatePublisher {

    void publish(SchedulerState state);
}
