package io.flowcluster.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.flowcluster.server.TestDatabase;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A channel listened on only while its condition holds (the scheduler's, on the lease holder):
 * nothing arrives while it does not, and starting to listen wakes the subscribers once, since
 * what was sent before is lost to them.
 */
class NotificationsTest {

    private static TestDatabase db;

    @BeforeAll
    static void database() {
        db = new TestDatabase();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void aConditionalChannelIsListenedOnOnlyWhileItsConditionHolds() throws Exception {
        try (AgroalDataSource pool = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(p -> p.maxSize(2)
                        .connectionFactoryConfiguration(f -> f.jdbcUrl(db.jdbcUrl())
                                .principal(new NamePrincipal(EmbeddedDatabase.USER)))))) {
            Notifications notifications = new Notifications(pool, "n");
            AtomicBoolean leader = new AtomicBoolean();
            List<String> scheduler = new CopyOnWriteArrayList<>();
            List<String> aborts = new CopyOnWriteArrayList<>();
            notifications.subscribe(Channel.SCHEDULER, p -> scheduler.add(String.valueOf(p)));
            notifications.subscribe(Channel.ABORT, p -> aborts.add(String.valueOf(p)));
            notifications.listenOnlyWhile(Channel.SCHEDULER, leader::get);
            notifications.start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> aborts.contains("null"));
                sendThenMark(Channel.SCHEDULER, "while standby", aborts, "first mark");
                assertThat(scheduler).as("not listened on while the condition does not hold").isEmpty();

                leader.set(true);
                await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.contains("null"));
                sendThenMark(Channel.SCHEDULER, "while leader", aborts, "second mark");
                assertThat(scheduler).as("woken once on listening, then the notification").containsExactly("null", "while leader");

                leader.set(false);
                Thread.sleep(1_000); // longer than a wait for notifications: the listener has noticed
                sendThenMark(Channel.SCHEDULER, "after the lease", aborts, "third mark");
                assertThat(scheduler).as("no longer listened on").containsExactly("null", "while leader");
            } finally {
                notifications.stop();
            }
        }
    }

    /**
     * Sends {@code payload} on {@code channel}, then a mark on a channel always listened on, and
     * waits for the mark: notifications arrive in the order their transactions committed, so
     * whatever of the first was going to arrive has arrived.
     */
    private static void sendThenMark(Channel channel, String payload, List<String> marks, String mark) {
        db.jdbi().useHandle(h -> Notifications.send(h, channel, payload));
        db.jdbi().useHandle(h -> Notifications.send(h, Channel.ABORT, mark));
        await().atMost(Duration.ofSeconds(5)).until(() -> marks.contains(mark));
    }
}
