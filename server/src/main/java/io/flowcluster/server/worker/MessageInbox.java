package io.flowcluster.server.worker;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import io.flowcluster.server.notify.WakeupLoop;
import io.flowcluster.server.store.ArrivedMessage;
import io.flowcluster.server.store.ExecutionStore;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * Processes the messages of the jobs this node owns (invariant 6: once, by the owner; other
 * nodes leave them alone) and resumes the wait steps that were waiting for them.
 */
@Singleton
public class MessageInbox {

    private static final Logger LOG = Logger.getLogger(MessageInbox.class);

    private final ExecutionStore store;
    private final LocalNode node;
    private final Notifications notifications;
    private final WakeupLoop loop;
    private final Map<Key, List<CompletableFuture<ArrivedMessage>>> waiting = new ConcurrentHashMap<>();

    MessageInbox(ExecutionStore store, LocalNode node, FlowConfig config, Notifications notifications) {
        this.store = store;
        this.node = node;
        this.notifications = notifications;
        this.loop = new WakeupLoop("flow-inbox", () -> {
            process();
            return config.worker().pollInterval();
        }, config.worker().pollInterval());
    }

    public void start() {
        // a message arrived, or a job with messages waiting was given an owner (this node, perhaps)
        notifications.subscribe(Channel.MESSAGE, payload -> loop.signal());
        loop.start();
    }

    public void stop() {
        loop.stop();
    }

    /**
     * The message a wait step needs: at once if the job's owner already processed it (here,
     * or on a node that owned the job before a failover), else when it is processed here.
     */
    CompletableFuture<ArrivedMessage> expect(UUID jobId, String name) {
        CompletableFuture<ArrivedMessage> future = new CompletableFuture<>();
        Key key = new Key(jobId, name);
        // registered before looking, so that a message processed in between is not missed
        waiting.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(future);
        future.whenComplete((m, e) -> waiting.computeIfPresent(key, (k, list) -> {
            list.remove(future);
            return list.isEmpty() ? null : list;
        }));
        Optional<ArrivedMessage> already = store.processedMessage(jobId, name);
        already.ifPresent(future::complete);
        return future;
    }

    private void process() {
        for (ArrivedMessage m : store.takeMessages(node.id())) {
            LOG.debugf("Processed message '%s' for job %s", m.name(), m.jobId());
            List<CompletableFuture<ArrivedMessage>> waiters = waiting.get(new Key(m.jobId(), m.name()));
            if (waiters != null) {
                waiters.forEach(f -> f.complete(m));
            }
        }
    }

    private record Key(UUID jobId, String name) {
    }
}
