package io.flowcluster.server.notify;

import io.agroal.api.AgroalDataSource;
import io.flowcluster.server.node.LocalNode;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on the database's NOTIFY channels (the shared ones, and this node's own of the
 * channels per node) and hands each notification to its subscribers. After a lost
 * connection it reconnects and calls every subscriber once with a null payload, since
 * notifications sent meanwhile are gone.
 */
@Singleton
public class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class);
    private static final int POLL_MILLIS = 5000;
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(500);

    private final AgroalDataSource dataSource;
    private final Map<Channel, List<Consumer<String>>> subscribers = new EnumMap<>(Channel.class);
    /** The channels listened on, by name: this node's own of the channels per node. */
    private final Map<String, Channel> listened = new HashMap<>();
    private volatile boolean running;
    private Thread thread;

    Notifications(AgroalDataSource dataSource, LocalNode node) {
        this.dataSource = dataSource;
        for (Channel c : Channel.values()) {
            subscribers.put(c, new CopyOnWriteArrayList<>());
            listened.put(c.perNode() ? c.of(node.id()) : c.sqlName(), c);
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
                try (Statement st = connection.createStatement()) {
                    for (String name : listened.keySet()) {
                        st.execute("LISTEN " + name);
                    }
                }
                // anything sent while we were not listening is lost: let everyone look again
                subscribers.values().forEach(list -> list.forEach(s -> s.accept(null)));
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
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
