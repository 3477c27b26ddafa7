package io.flowcluster.server.cluster;

/**
 * Where the scheduler's applied state goes beyond the database. With {@code kubernetes}
 * coordination: a ConfigMap the operator reads. Called after every scheduler pass; an
 * implementation writes only what changed.
 */
public interface StatePublisher {

    void publish(PublishedState state);
}
