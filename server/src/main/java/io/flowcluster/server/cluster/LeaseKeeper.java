package io.flowcluster.server.cluster;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.Ticker;
import io.flowcluster.server.notify.WakeupLoop;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * Keeps trying to hold the scheduler lease and knows whether this node holds it now. The
 * local answer errs on the safe side: without a renewal within the lease duration it says
 * no, and the database fencing refuses a stale holder's writes anyway.
 */
public final class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    private final SchedulerLease lease;
    private final Duration leaseDuration;
    private final LongConsumer onAcquired;
    private final WakeupLoop loop;
    private final Ticker ticker;
    private volatile long epoch = -1;
    private volatile long renewedAtNanos;

    public LeaseKeeper(SchedulerLease lease, FlowConfig config, LongConsumer onAcquired) {
        this(lease, config.scheduler().leaseDuration(), config.scheduler().renewInterval(), onAcquired, Ticker.SYSTEM);
    }

    LeaseKeeper(SchedulerLease lease, Duration leaseDuration, Duration renew, LongConsumer onAcquired, Ticker ticker) {
        this.lease = lease;
        this.leaseDuration = leaseDuration;
        this.onAcquired = onAcquired;
        this.ticker = ticker;
        this.loop = new WakeupLoop("flow-lease", () -> {
            renew();
            return renew;
        }, renew);
    }

    public void start() {
        loop.start();
    }

    /** Stops renewing and gives the lease up. */
    public void stop() {
        loop.stop();
        if (current().isPresent()) {
            epoch = -1;
            try {
                lease.release();
            } catch (RuntimeException e) {
                LOG.warnf("Could not release the scheduler lease (%s); it expires by itself", e.getMessage());
            }
        }
    }

    /** The fencing epoch while this node holds the lease. */
    public OptionalLong current() {
        long e = epoch;
        boolean fresh = ticker.nanos() - renewedAtNanos < leaseDuration.toNanos();
        return e >= 0 && fresh ? OptionalLong.of(e) : OptionalLong.empty();
    }

    /** Called when a write was refused: someone else holds the lease now. */
    public void deposed() {
        if (epoch >= 0) {
            LOG.warnf("No longer the scheduler (epoch %d was fenced off)", epoch);
        }
        epoch = -1;
    }

    /** One try to hold the lease; the loop calls it every renew interval. */
    void renew() {
        // a renewal counts from before it was asked for: the lease may have been granted that early
        long started = ticker.nanos();
        OptionalLong held;
        try {
            held = lease.holdOrTake();
        } catch (RuntimeException e) {
            LOG.warnf("Scheduler lease not renewed: %s", e.getMessage());
            return;
        }
        long before = epoch;
        if (held.isPresent()) {
            renewedAtNanos = started;
            epoch = held.getAsLong();
            if (before != epoch) {
                LOG.infof("This node is now the scheduler (epoch %d)", epoch);
                onAcquired.accept(epoch);
            }
        } else {
            if (before >= 0) {
                LOG.infof("Another node holds the scheduler lease now");
            }
            epoch = -1;
        }
    }
}
