package io.flowcluster.server.cluster;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.metrics.FlowMetrics;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.node.Ticker;
import io.flowcluster.server.notify.WakeupLoop;
import io.flowcluster.server.store.ClusterStore;
import io.flowcluster.server.worker.Worker;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Proves this node alive. When it cannot (the database is out of reach), it stops its running
 * steps at once, before the others may count it dead and run them again (a step must not run
 * in two places at once); likewise when it learns it was declared dead. A watchdog of its own
 * decides this, so that a heartbeat stuck on a silent network cannot delay it.
 */
@Singleton
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);

    private final ClusterStore store;
    private final LocalNode node;
    private final Worker worker;
    private final FlowMetrics metrics;
    private final Duration nodeTimeout;
    private final WakeupLoop loop;
    private final WakeupLoop watchdog;
    private final Contact contact;
    /** Set when this node stopped its steps itself; cleared once they are handed back. */
    private volatile boolean fenced;

    Heartbeat(ClusterStore store, LocalNode node, Worker worker, FlowMetrics metrics, FlowConfig config) {
        this.metrics = metrics;
        this.store = store;
        this.node = node;
        this.worker = worker;
        Duration interval = config.cluster().heartbeatInterval();
        this.nodeTimeout = config.cluster().nodeTimeout();
        this.contact = new Contact(Ticker.SYSTEM, fenceAfter(nodeTimeout, interval));
        this.loop = new WakeupLoop("flow-heartbeat", () -> {
            beat();
            return interval;
        }, interval);
        this.watchdog = new WakeupLoop("flow-fence-watchdog", () -> {
            fenceIfOutOfContact();
            return interval.dividedBy(2);
        }, interval);
    }

    /**
     * A heartbeat interval before the node timeout (at least half of it): the others count
     * this node dead only after the timeout, and then still need a scheduler pass and a claim
     * before another attempt starts.
     */
    static Duration fenceAfter(Duration nodeTimeout, Duration interval) {
        Duration early = nodeTimeout.minus(interval);
        Duration half = nodeTimeout.dividedBy(2);
        return early.compareTo(half) < 0 ? half : early;
    }

    public void start() {
        contact.reached(contact.now());
        loop.start();
        watchdog.start();
    }

    public void stop() {
        watchdog.stop();
        loop.stop();
    }

    private void fenceIfOutOfContact() {
        if (!fenced && contact.lost()) {
            fenced = true;
            LOG.warnf("Lost contact with the database for over %s; stopping this node's steps now", contact.fenceAfter());
            worker.handBackAll("lost contact with the database", Duration.ZERO);
        }
    }

    private void beat() {
        long sent = contact.now();
        boolean alive = store.heartbeat(node.id(), node.incarnation(), metrics.jobsFinished());
        if (alive && !fenced) {
            contact.reached(sent);
            return;
        }
        if (!alive) {
            LOG.warnf("This node was declared dead (silent for over %s); stopping its steps and rejoining", nodeTimeout);
            worker.handBackAll("declared dead", Duration.ZERO); // they may run elsewhere already
        } else {
            LOG.infof("The database is back; handing back the steps this node stopped");
        }
        // the stopped steps' attempts are still open in the database: mark them lost so they run again
        worker.awaitIdle();
        worker.register();
        contact.reached(contact.now());
        fenced = false;
    }
}
