package io.flowcluster.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A background loop survives failures of its passes; an Error stops the node instead of leaving it half alive. */
class SupervisionTest {

    private final CompletableFuture<Throwable> fatal = new CompletableFuture<>();

    SupervisionTest() {
        Threads.onFatal(fatal::complete);
    }

    @AfterEach
    void restore() {
        Threads.onFatal(e -> Runtime.getRuntime().halt(Threads.FATAL_EXIT));
    }

    @Test
    void aFailedPassIsRetried() {
        AtomicInteger passes = new AtomicInteger();
        WakeupLoop loop = new WakeupLoop("test-loop", () -> {
            if (passes.incrementAndGet() < 3) {
                throw new IllegalStateException("database away");
            }
            return Duration.ofSeconds(10);
        }, Duration.ofMillis(10));
        loop.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> passes.get() >= 3);
            assertThat(fatal).isNotDone();
        } finally {
            loop.stop();
        }
    }

    @Test
    void anErrorInALoopStopsTheNode() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        WakeupLoop loop = new WakeupLoop("test-loop", () -> {
            throw oom;
        }, Duration.ofMillis(10));
        loop.start();
        assertThat(fatal.get(5, java.util.concurrent.TimeUnit.SECONDS)).isSameAs(oom);
        loop.stop();
    }

    @Test
    void anErrorInAnyBackgroundThreadOrPeriodicTaskStopsTheNode() throws Exception {
        StackOverflowError error = new StackOverflowError();
        Threads.daemon("test-thread", () -> {
            throw error;
        }).start();
        assertThat(fatal.get(5, java.util.concurrent.TimeUnit.SECONDS)).isSameAs(error);
    }

    @Test
    void aPeriodicTaskThatFailsIsLoggedNotCancelled() {
        Threads.supervised("test-task", () -> {
            throw new IllegalStateException("once");
        }).run();
        assertThat(fatal).isNotDone();
        OutOfMemoryError oom = new OutOfMemoryError();
        Threads.supervised("test-task", () -> {
            throw oom;
        }).run();
        assertThat(fatal).isCompletedWithValue(oom);
    }
}
