package io.flowcluster.server.cluster;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.notify.WakeupLoop;
import io.flowcluster.server.store.ClusterStore;
import io.flowcluster.server.worker.Worker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Proves this node alive. When it cannot (the database is out of reach) for longer than the
 * node timeout, or learns it was declared dead, it stops its running steps: by then the
 * scheduler hands them to other nodes, and a step must not run in two places at once.
 */
@Singleton
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);

    private final ClusterStore store;
    private final LocalNode node;
    private final Worker worker;
    private final Duration timeout;
    private final WakeupLoop loop;
    private volatile long lastBeatNanos = System.nanoTime();
    /** Set when this node stopped its steps itself; cleared once they are handed back. */
    private volatile boolean fenced;

    Heartbeat(ClusterStore store, LocalNode node, Worker worker, FlowConfig config) {
        this.store = store;
        this.node = node;
        this.worker = worker;
        this.timeout = config.cluster().nodeTimeout();
        Duration interval = config.cluster().heartbeatInterval();
        this.loop = new WakeupLoop("flow-heartbeat", () -> {
            beat();
            return interval;
        }, interval);
    }

    void start(@Observes @Priority(25) StartupEvent event) {
        lastBeatNanos = System.nanoTime();
        loop.start();
    }

    /** Last at shutdown: the node stays a live member while it drains. */
    void stop(@Observes @Priority(30) ShutdownEvent event) {
        loop.stop();
    }

    private void beat() {
        boolean alive;
        try {
            alive = store.heartbeat(node.id(), node.incarnation());
        } catch (RuntimeException e) {
            if (!fenced && System.nanoTime() - lastBeatNanos > timeout.toNanos()) {
                LOG.warnf("Lost contact with the database for over %s; stopping this node's steps", timeout);
                worker.handBackAll("lost contact with the database");
                fenced = true;
            }
            throw e;
        }
        if (alive && !fenced) {
            lastBeatNanos = System.nanoTime();
            return;
        }
        if (!alive) {
            LOG.warnf("This node was declared dead (silent for over %s); stopping its steps and rejoining", timeout);
            worker.handBackAll("declared dead");
        } else {
            LOG.infof("The database is back; handing back the steps this node stopped");
        }
        // the stopped steps' attempts are still open in the database: mark them lost so they run again
        worker.awaitIdle();
        worker.register();
        fenced = false;
        lastBeatNanos = System.nanoTime();
    }
}
