package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * A node that stalls inside a transaction (SIGSTOP, a long pause, a network cut) must not block
 * the others for as long as its socket lives: the scheduler lease is share-locked by every
 * fenced write, and a takeover waits for those locks.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class StalledTransactionTest {

    @Inject
    Jdbi jdbi;

    @Test
    void aTransactionLeftOpenByAStalledNodeIsEndedSoTheLeaseCanBeTaken() {
        Handle stalled = jdbi.open();
        stalled.begin();
        stalled.createQuery("select 1 from scheduler_lease where id = 1 for share").mapTo(Integer.class).one();

        // without the server ending the stalled session this waits until the statement timeout and fails
        int updated = jdbi.inTransaction(h -> {
            h.execute("set local statement_timeout = '30s'");
            return h.createUpdate("update scheduler_lease set expires_at = expires_at where id = 1").execute();
        });

        assertThat(updated).isEqualTo(1);
        assertThatThrownBy(() -> stalled.createQuery("select 1").mapTo(Integer.class).one())
                .as("the stalled node finds its transaction ended when it wakes");
        try {
            stalled.close();
        } catch (RuntimeException e) {
            // its connection is gone: nothing left to roll back
        }
    }
}
