package io.flowcluster.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The benchmarks' CPU accounting: a process's own time, and its children's once they are reaped. */
class CpuMeterTest {

    @BeforeAll
    static void linux() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "CpuMeter reads /proc, which this system does not have");
    }

    @Test
    void ownTimeGrowsWithWorkDone() {
        Duration before = CpuMeter.own(ProcessHandle.current()).orElseThrow();
        spin(Duration.ofMillis(300));
        // the spin is measured in this thread's CPU time, not the wall clock: a busy machine only makes it longer
        assertThat(CpuMeter.own(ProcessHandle.current()).orElseThrow().minus(before))
                .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aReapedChildsTimeCountsWithItsParent() throws Exception {
        // the shell is the parent: its busy child (a fixed amount of work) is reaped before the shell sleeps
        Process shell = new ProcessBuilder("sh", "-c",
                "sh -c 'i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done'; echo done; sleep 30").start();
        try {
            assertThat(new String(shell.getInputStream().readNBytes(4))).isEqualTo("done");
            Duration shellOwn = CpuMeter.own(shell.toHandle()).orElseThrow();
            Duration withChildren = CpuMeter.withDescendants(shell.toHandle()).orElseThrow();
            assertThat(withChildren.minus(shellOwn)).as("the finished child's time").isGreaterThanOrEqualTo(Duration.ofMillis(50));
        } finally {
            shell.destroyForcibly().waitFor();
        }
    }

    @Test
    void anEndedProcessHasNoReading() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        assertThat(CpuMeter.withDescendants(done.toHandle())).isEmpty();
    }

    /** Burns {@code time} of this thread's CPU. */
    private static void spin(Duration time) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + time.toNanos();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < end) {
            x += System.nanoTime() % 7;
        }
        assertThat(x).isNotNegative();
    }
}
