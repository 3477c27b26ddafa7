package io.flowcluster.server.worker;

import io.flowcluster.server.store.DatabaseErrors;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a database call whose outcome must not be lost, waiting out an outage of the
 * database (100 ms, doubling to 2 s between tries) rather than failing; any other error
 * is thrown at once.
 */
public final class OutageRetry {

    private static final Logger LOG = Logger.getLogger(OutageRetry.class);

    private OutageRetry() {
    }

    /** The call's result; empty once {@code giveUp} says the outcome no longer matters (it is checked after each failure). */
    public static <T> Optional<T> retry(String what, Supplier<T> call, BooleanSupplier giveUp) throws InterruptedException {
        long delayMillis = 100;
        while (true) {
            try {
                return Optional.of(call.get());
            } catch (RuntimeException e) {
                if (!DatabaseErrors.unreachable(e)) {
                    throw e;
                }
                if (giveUp.getAsBoolean()) {
                    return Optional.empty();
                }
                LOG.warnf("%s failed, the database is unreachable; retrying in %d ms", what, delayMillis);
                Thread.sleep(delayMillis);
                delayMillis = Math.min(delayMillis * 2, 2000);
            }
        }
    }
}
