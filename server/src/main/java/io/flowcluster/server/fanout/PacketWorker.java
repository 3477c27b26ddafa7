package io.flowcluster.server.fanout;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.notify.WakeupLoop;
import io.flowcluster.server.store.ItemResult;
import io.flowcluster.server.store.PacketClaim;
import io.flowcluster.server.store.PacketStore;
import io.flowcluster.server.worker.OutageRetry;
import io.flowcluster.server.worker.TaskSlots;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Runs the fanout packets coordinators queued on this node, {@code task-pool-size} at a
 * time, the longest queued first. A packet's results are recorded only if it is still this
 * node's when it ends (a coordinator takes packets back from a node it counts as dead).
 */
@Singleton
public class PacketWorker {

    private static final Logger LOG = Logger.getLogger(PacketWorker.class);

    private final PacketStore store;
    private final ItemHandler handler;
    private final LocalNode node;
    private final Notifications notifications;
    private final WakeupLoop claimer;
    private final TaskSlots slots;
    private volatile boolean accepting;

    PacketWorker(PacketStore store, ItemHandler handler, LocalNode node, FlowConfig config, Notifications notifications) {
        this.store = store;
        this.handler = handler;
        this.node = node;
        this.notifications = notifications;
        this.claimer = new WakeupLoop("flow-packets", () -> {
            claim();
            return config.worker().pollInterval();
        }, config.worker().pollInterval());
        this.slots = new TaskSlots("flow-packet", config.worker().taskPoolSize(), claimer::signal);
    }

    public void start() {
        release("restarted");
        notifications.subscribeOwn(Channel.PACKETS, payload -> claimer.signal());
        accepting = true;
        claimer.start();
    }

    public void stop() {
        accepting = false;
        claimer.stop();
        slots.stop(true, Duration.ofSeconds(2));
        release("shut down");
    }

    private void release(String why) {
        try {
            int released = store.release(node.id());
            if (released > 0) {
                LOG.infof("Gave back %d packets (node %s)", released, why);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Could not give packets back (%s); their coordinators take them back", e.getMessage());
        }
    }

    private void claim() {
        int n = slots.free();
        if (!accepting || n <= 0) {
            return;
        }
        for (PacketClaim packet : store.claim(node.id(), n)) {
            slots.run(() -> run(packet));
        }
    }

    private void run(PacketClaim packet) {
        try {
            List<ItemResult> results = new ArrayList<>(packet.count());
            for (int item = packet.first(); item < packet.first() + packet.count(); item++) {
                results.add(handler.process(packet, item));
            }
            // the results are known: wait out a database outage rather than lose them
            boolean recorded = OutageRetry.retry("Recording packet " + packet.packetNo(),
                    () -> store.complete(packet, node.id(), results), () -> !accepting).orElse(false);
            if (!recorded) {
                LOG.infof("Packet %d of job %s was taken back while it ran here, or this node stops: its results are dropped",
                        packet.packetNo(), packet.jobId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: the packet is given back
        } catch (RuntimeException e) {
            LOG.errorf(e, "Packet %d of job %s could not be completed; giving it back", packet.packetNo(), packet.jobId());
            try {
                store.giveBack(packet, node.id());
            } catch (RuntimeException again) {
                LOG.warnf("Could not give packet %d back (%s); its coordinator takes it back if this node dies",
                        packet.packetNo(), again.getMessage());
            }
        }
    }
}
