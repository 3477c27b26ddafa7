package io.flowcluster.server.worker;

import io.flowcluster.server.notify.Threads;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's task slots ({@code flow.worker.task-pool-size}) and the threads that run what holds
 * them: the steps' pool and the packets' pool are each one of these. A task given beyond the
 * free slots waits for one in the queue; {@code onFree} runs each time a slot frees, so that
 * the claim loop can take more.
 */
public final class TaskSlots {

    private final AtomicInteger free;
    private final ExecutorService threads;
    private final Runnable onFree;

    public TaskSlots(String threadName, int size, Runnable onFree) {
        this.free = new AtomicInteger(size);
        this.threads = Executors.newFixedThreadPool(size, Threads.daemonFactory(threadName));
        this.onFree = onFree;
    }

    public int free() {
        return free.get();
    }

    /** Runs the task in a slot, freed when the task ends however it ends. */
    public void run(Runnable task) {
        free.decrementAndGet();
        threads.submit(() -> {
            try {
                task.run();
            } finally {
                free.incrementAndGet();
                onFree.run();
            }
        });
    }

    /** Takes no more tasks and waits up to {@code wait} for those running; {@code interrupt} stops them first. */
    public void stop(boolean interrupt, Duration wait) {
        if (interrupt) {
            threads.shutdownNow();
        } else {
            threads.shutdown();
        }
        try {
            threads.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
