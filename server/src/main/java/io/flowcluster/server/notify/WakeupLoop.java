package io.flowcluster.server.notify;

import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A background loop that runs a pass, then sleeps until signalled or until the pass's
 * requested wait is over. A failed pass is logged and retried at the next wake-up.
 */
public final class WakeupLoop {

    private static final Logger LOG = Logger.getLogger(WakeupLoop.class);

    private final String name;
    private final Supplier<Duration> pass;
    private final Duration onFailure;
    private final Wakeup wakeup = new Wakeup();
    private volatile boolean running;
    private Thread thread;

    /** @param pass one round of work; returns how long to sleep unless signalled */
    public WakeupLoop(String name, Supplier<Duration> pass, Duration onFailure) {
        this.name = name;
        this.pass = pass;
        this.onFailure = onFailure;
    }

    public void start() {
        running = true;
        thread = Threads.daemon(name, this::loop);
        thread.start();
    }

    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    public void signal() {
        wakeup.signal();
    }

    private void loop() {
        while (running) {
            Duration wait = onFailure;
            try {
                wait = pass.get();
            } catch (RuntimeException e) {
                LOG.warnf("%s pass failed: %s", name, e.getMessage());
            } catch (Error e) {
                Threads.fatal(name, e);
                return;
            }
            try {
                wakeup.await(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
