package io.flowcluster.server.retention;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.metrics.FlowMetrics;
import io.flowcluster.server.notify.WakeupLoop;
import io.flowcluster.server.store.RetentionStore;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Deletes finished jobs once their retention has run out. Every node runs a sweeper; the store
 * lets one of them delete at a time. It deletes in small batches, each its own transaction,
 * with a pause between them so that a large backlog (a cluster that was down, or retention
 * just shortened) drains without taking the database from the jobs that run meanwhile.
 */
@Singleton
public class RetentionSweeper {

    private static final Logger LOG = Logger.getLogger(RetentionSweeper.class);
    /** Between two full batches: the hot path's transactions go first. */
    static final Duration BETWEEN_BATCHES = Duration.ofMillis(50);

    private final RetentionStore store;
    private final FlowMetrics metrics;
    private final int batchSize;
    private final Duration interval;
    private final WakeupLoop loop;

    RetentionSweeper(RetentionStore store, FlowMetrics metrics, FlowConfig config) {
        this.store = store;
        this.metrics = metrics;
        this.batchSize = config.retention().batchSize();
        this.interval = config.retention().interval();
        this.loop = new WakeupLoop("flow-retention", this::sweep, interval);
    }

    public void start() {
        loop.start();
    }

    public void stop() {
        loop.stop();
    }

    /** One batch; a full one means more may wait, so the next comes soon. */
    private Duration sweep() {
        int deleted = store.deleteExpired(batchSize);
        if (deleted > 0) {
            metrics.jobsDeleted(deleted);
            LOG.debugf("Deleted %d expired jobs", deleted);
        }
        return deleted == batchSize ? BETWEEN_BATCHES : interval;
    }
}
