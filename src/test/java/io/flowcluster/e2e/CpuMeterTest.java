package io.flowcluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        assertThat(CpuMeter.own(ProcessHandle.current()).orElseThrow().minus(before))
                .isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void aReapedChildsTimeCountsWithItsParent() throws Exception {
        // the shell is the parent: its busy child is reaped before the shell itself waits to be ended
        Process shell = new ProcessBuilder("sh", "-c", "timeout 0.4 sh -c 'while :; do :; done'; sleep 30").start();
        try {
            Thread.sleep(1000);
            Duration shellOwn = CpuMeter.own(shell.toHandle()).orElseThrow();
            Duration withChildren = CpuMeter.withDescendants(shell.toHandle()).orElseThrow();
            assertThat(withChildren.minus(shellOwn)).as("the finished child's time").isGreaterThanOrEqualTo(Duration.ofMillis(200));
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

    private static void spin(Duration time) {
        long end = System.nanoTime() + time.toNanos();
        long x = 0;
        while (System.nanoTime() < end) {
            x += System.nanoTime() % 7;
        }
        assertThat(x).isNotNegative();
    }
}
