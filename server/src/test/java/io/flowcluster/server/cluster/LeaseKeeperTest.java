package io.flowcluster.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The lease as this node believes it holds it errs on the safe side: a node that has not
 * renewed within the lease duration (paused, or its renewals failing) says it is not the
 * scheduler, counting from before its last renewal was asked for.
 */
class LeaseKeeperTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private final ManualTicker ticker = new ManualTicker();
    private final List<Long> acquired = new ArrayList<>();

    /** A lease that grants {@code epoch}, taking {@code takes} to answer. */
    private LeaseKeeper keeper(long epoch, Duration takes) {
        SchedulerLease lease = new SchedulerLease() {
            @Override
            public OptionalLong holdOrTake() {
                ticker.advance(takes);
                return epoch < 0 ? OptionalLong.empty() : OptionalLong.of(epoch);
            }

            @Override
            public void release() {
            }
        };
        return new LeaseKeeper(lease, LEASE, Duration.ofMillis(500), acquired::add, ticker);
    }

    @Test
    void aHeldLeaseLapsesLocallyOnceItsDurationPassesWithoutARenewal() {
        LeaseKeeper keeper = keeper(7, Duration.ZERO);
        assertThat(keeper.current()).isEmpty();
        keeper.renew();
        assertThat(keeper.current()).hasValue(7);
        assertThat(acquired).containsExactly(7L);
        ticker.advance(LEASE.minusNanos(1));
        assertThat(keeper.current()).hasValue(7);
        ticker.advance(Duration.ofNanos(1));
        assertThat(keeper.current()).as("a paused or cut-off holder stops scheduling by itself").isEmpty();
        keeper.renew();
        assertThat(keeper.current()).hasValue(7);
        assertThat(acquired).as("the same epoch is not a new acquisition").containsExactly(7L);
    }

    @Test
    void aSlowRenewalCountsFromWhenItWasAskedFor() {
        LeaseKeeper keeper = keeper(3, Duration.ofMillis(1500));
        keeper.renew();
        assertThat(keeper.current()).hasValue(3);
        ticker.advance(Duration.ofMillis(500));
        assertThat(keeper.current()).as("two seconds after the request, not after the answer").isEmpty();
    }

    @Test
    void aRefusedOrDeposedLeaseIsNotHeld() {
        LeaseKeeper refused = keeper(-1, Duration.ZERO);
        refused.renew();
        assertThat(refused.current()).isEmpty();

        LeaseKeeper deposed = keeper(9, Duration.ZERO);
        deposed.renew();
        deposed.deposed();
        assertThat(deposed.current()).isEmpty();
    }
}
