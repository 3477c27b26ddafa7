package io.flowcluster.server.worker;

import io.flowcluster.server.job.AttemptResult;

/**
 * Runs a fanout step's attempt on its owner: deals its packets over the cluster and gathers
 * their results (the {@code fanout} package does; the worker only hands it the attempt).
 */
public interface FanoutRunner {

    AttemptResult run(Execution execution) throws InterruptedException;
}
