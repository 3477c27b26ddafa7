package io.flowcluster.server;

import io.flowcluster.server.cluster.Heartbeat;
import io.flowcluster.server.fanout.FanoutCoordinator;
import io.flowcluster.server.fanout.PacketWorker;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.retention.RetentionSweeper;
import io.flowcluster.server.scheduler.ScheduleFiring;
import io.flowcluster.server.scheduler.Scheduler;
import io.flowcluster.server.worker.MessageInbox;
import io.flowcluster.server.worker.Worker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** The order in which a node's parts start and stop, and why, in one place. */
@Singleton
class NodeLifecycle {

    private final Notifications notifications;
    private final FanoutCoordinator fanout;
    private final Worker worker;
    private final PacketWorker packets;
    private final MessageInbox inbox;
    private final Heartbeat heartbeat;
    private final Scheduler scheduler;
    private final ScheduleFiring schedules;
    private final RetentionSweeper retention;

    NodeLifecycle(Notifications notifications, FanoutCoordinator fanout, Worker worker, PacketWorker packets,
            MessageInbox inbox, Heartbeat heartbeat, Scheduler scheduler, ScheduleFiring schedules,
            RetentionSweeper retention) {
        this.notifications = notifications;
        this.fanout = fanout;
        this.worker = worker;
        this.packets = packets;
        this.inbox = inbox;
        this.heartbeat = heartbeat;
        this.scheduler = scheduler;
        this.schedules = schedules;
        this.retention = retention;
    }

    void start(@Observes StartupEvent event) {
        notifications.start(); // listening before anything waits for a notification
        fanout.start(); // checks its settings before any step runs
        worker.start(); // registers this node and hands back what its previous run left
        packets.start(); // after the registration: packets a previous run left go back to their coordinators
        inbox.start();
        heartbeat.start(); // proves alive a node that is registered
        scheduler.start(); // competes for the lease as a working member
        schedules.start(); // fires ticks while the scheduler holds the lease
        retention.start(); // housekeeping, last: it serves no job that is running
    }

    void stop(@Observes ShutdownEvent event) {
        retention.stop();
        schedules.stop(); // no tick fires under a lease about to be given up
        scheduler.stop(); // then: a standby takes the lease at once while this node drains
        worker.stop(); // drains: running steps may finish, the rest go back
        packets.stop();
        heartbeat.stop(); // after the drain: the node stays a live member while it drains
        inbox.stop();
        notifications.stop();
    }
}
