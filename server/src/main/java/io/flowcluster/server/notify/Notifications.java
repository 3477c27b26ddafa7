package io.flowcluster.server.notify;

import io.agroal.api.AgroalDataSource;
import io.flowcluster.server.node.LocalNode;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on the database's NOTIFY channels (the shared ones, and this node's own of the
 * channels per node) and hands each notification to its subscribers. A channel may be listened
 * on only while a condition holds: the scheduler's, only on the node that holds the lease, so
 * that the others are not woken for every recorded end. After a lost connection, or on starting
 * to listen on such a channel, it calls the channel's subscribers once with a null payload,
 * since notifications sent meanwhile are gone.
 */
@Singleton
public class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class);
    /** How long a wait for notifications lasts at most: how late a change of condition is noticed. */
    private static final int POLL_MILLIS = 200;
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(500);

    private final AgroalDataSource dataSource;
    private final Map<Channel, List<Consumer<String>>> subscribers = new EnumMap<>(Channel.class);
    /** The channels listened on, by name: this node's own of the channels per node. */
    private final Map<String, Channel> listened = new HashMap<>();
    /** The channels listened on only while their condition holds. */
    private final Map<Channel, BooleanSupplier> conditions = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread thread;

    @Inject
    Notifications(AgroalDataSource dataSource, LocalNode node) {
        this(dataSource, node.id());
    }

    Notifications(AgroalDataSource dataSource, String node) {
        this.dataSource = dataSource;
        for (Channel c : Channel.values()) {
            subscribers.put(c, new CopyOnWriteArrayList<>());
            listened.put(c.perNode() ? c.of(node) : c.sqlName(), c);
        }
    }

    /** Sends a notification on a shared channel as part of the handle's transaction. */
    public static void send(Handle handle, Channel channel, String payload) {
        sendOn(handle, channel.sqlName(), payload);
    }

    /** Wakes {@code node} on its own channel of this kind, as part of the handle's transaction. */
    public static void sendTo(Handle handle, Channel channel, String node) {
        sendOn(handle, channel.of(node), "");
    }

    private static void sendOn(Handle handle, String channel, String payload) {
        handle.createQuery("select pg_notify(:channel, :payload)")
                .bind("channel", channel)
                .bind("payload", payload)
                .mapTo(String.class)
                .one();
    }

    /** Subscribers run on the listener thread: they must only signal, never block. */
    public void subscribe(Channel channel, Consumer<String> subscriber) {
        subscribers.get(channel).add(subscriber);
    }

    /** On a channel per node: {@code subscriber} runs for every notification on this node's own. */
    public void subscribeOwn(Channel channel, Consumer<String> subscriber) {
        if (!channel.perNode()) {
            throw new IllegalArgumentException(channel + " is a channel shared by every node");
        }
        subscribe(channel, subscriber);
    }

    /** Listens on {@code channel} only while {@code condition} holds; asked between waits, on the listener thread. */
    public void listenOnlyWhile(Channel channel, BooleanSupplier condition) {
        conditions.put(channel, condition);
    }

    public void start() {
        running = true;
        thread = Threads.daemon("flow-notifications", this::listen);
        thread.start();
    }

    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                Set<String> listening = new HashSet<>();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    listenAsConditionsSay(connection, listening);
                    PGNotification[] batch = pg.getNotifications(POLL_MILLIS);
                    if (batch == null) {
                        continue;
                    }
                    for (PGNotification n : batch) {
                        deliver(n.getName(), n.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.warnf("Database notifications interrupted (%s); reconnecting", e.getMessage());
                    sleepQuietly(RECONNECT_DELAY);
                }
            }
        }
    }

    /**
     * LISTENs on the channels wanted now and not listened on yet (after a reconnect, all of them),
     * waking their subscribers with a null payload: anything sent while not listening is lost, so
     * they look again. UNLISTENs the channels whose condition no longer holds.
     */
    private void listenAsConditionsSay(Connection connection, Set<String> listening) throws SQLException {
        for (Map.Entry<String, Channel> e : listened.entrySet()) {
            BooleanSupplier condition = conditions.get(e.getValue());
            boolean wanted = condition == null || condition.getAsBoolean();
            if (wanted != listening.contains(e.getKey())) {
                try (Statement st = connection.createStatement()) {
                    st.execute((wanted ? "LISTEN " : "UNLISTEN ") + e.getKey());
                }
                if (wanted) {
                    listening.add(e.getKey());
                    subscribers.get(e.getValue()).forEach(s -> s.accept(null));
                } else {
                    listening.remove(e.getKey());
                }
            }
        }
    }

    private void deliver(String channelName, String payload) {
        Channel c = listened.get(channelName);
        if (c != null) {
            subscribers.get(c).forEach(s -> s.accept(payload));
        }
    }

    private void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
