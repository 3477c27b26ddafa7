package io.flowcluster.server.notify;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Named daemon threads (none of the server's background work may keep the JVM alive), under
 * supervision: a background thread that dies of an Error (out of memory above all) must not
 * leave a node half alive, heartbeating without scheduling or holding the lease without
 * dispatching. The node stops at once instead; its steps run again elsewhere, and its
 * supervisor (the StatefulSet, the local launcher) starts it again.
 */
public final class Threads {

    private static final Logger LOG = Logger.getLogger(Threads.class);
    /** The exit code of a node stopped by a fatal error in a background thread. */
    public static final int FATAL_EXIT = 70;

    private static volatile Consumer<Throwable> onFatal = e -> Runtime.getRuntime().halt(FATAL_EXIT);

    private Threads() {
    }

    public static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof Error) {
                fatal(thread.getName(), e);
            } else {
                LOG.errorf(e, "Background thread %s ended", thread.getName());
            }
        });
        return t;
    }

    /** Runs a periodic task's body: a failure is logged and the next period comes; an Error stops the node. */
    public static Runnable supervised(String name, Runnable body) {
        return () -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                LOG.warnf("%s failed: %s", name, e.getMessage());
            } catch (Error e) {
                fatal(name, e);
            }
        };
    }

    /** Stops the node now: after an Error no background loop of it can be trusted to go on. */
    public static void fatal(String where, Throwable e) {
        try {
            LOG.fatalf(e, "%s died of %s; stopping this node so that the others take over", where, e);
        } finally {
            onFatal.accept(e);
        }
    }

    /** For tests: what a fatal error does instead of halting the JVM. */
    static void onFatal(Consumer<Throwable> action) {
        onFatal = action;
    }

    public static ThreadFactory daemonFactory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(prefix + "-" + n.incrementAndGet(), r);
    }
}
