package io.flowcluster.server.notify;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads: none of the server's background work may keep the JVM alive. */
public final class Threads {

    private Threads() {
    }

    public static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    public static ThreadFactory daemonFactory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(prefix + "-" + n.incrementAndGet(), r);
    }
}
