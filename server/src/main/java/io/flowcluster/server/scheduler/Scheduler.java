package io.flowcluster.server.scheduler;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.notify.WakeupLoop;
import io.flowcluster.server.store.DispatchStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Decides which steps run when: moves READY steps to DISPATCHED on their job's owner, most
 * urgent first, never more than the owner has free slots. Woken by database notifications;
 * the poll interval is only a safety net.
 */
@Singleton
public class Scheduler {

    private final DispatchStore store;
    private final LocalNode node;
    private final FlowConfig config;
    private final Notifications notifications;
    private final WakeupLoop loop;

    Scheduler(DispatchStore store, LocalNode node, FlowConfig config, Notifications notifications) {
        this.store = store;
        this.node = node;
        this.config = config;
        this.notifications = notifications;
        this.loop = new WakeupLoop("flow-scheduler", this::pass, config.scheduler().pollInterval());
    }

    void start(@Observes @Priority(30) StartupEvent event) {
        notifications.subscribe(Channel.SCHEDULER, payload -> loop.signal());
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) {
        loop.stop();
    }

    /** One pass: dispatch what fits; returns how long to sleep: until a backoff ends, at most the poll interval. */
    Duration pass() {
        int batch = config.scheduler().batchSize();
        Map<String, Integer> active = store.activeStepsByNode();
        // one node for now: this one owns every job and runs every step
        Map<String, Integer> free = Map.of(node.id(),
                config.worker().taskPoolSize() - active.getOrDefault(node.id(), 0));
        if (free.get(node.id()) > 0) {
            List<Candidate> candidates = store.readyCandidates(batch);
            List<Dispatch> plan = DispatchPlanner.plan(candidates, free, job -> node.id());
            int dispatched = store.dispatch(plan);
            if (dispatched < plan.size() || (candidates.size() == batch && dispatched > 0)) {
                loop.signal(); // raced with an abort, or more may be waiting: look again now
            }
        }
        Duration poll = config.scheduler().pollInterval();
        return store.nextBackoffEnd()
                .map(due -> Duration.between(Instant.now(), due))
                .filter(d -> !d.isNegative() && d.compareTo(poll) < 0)
                .orElse(poll);
    }
}
