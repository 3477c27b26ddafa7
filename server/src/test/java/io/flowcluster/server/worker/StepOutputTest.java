package io.flowcluster.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.flowcluster.server.store.OutputChunk;
import io.flowcluster.server.store.PendingLogLine;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StepOutputTest {

    @Test
    void numbersLinesInArrivalOrderAcrossDrains() {
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, new OutputLimits(1000, 100, 100));
        out.append("stdout", "one");
        out.append("stderr", "two");
        OutputChunk first = out.drain();
        out.append("stdout", "three");
        assertThat(first.lines()).extracting(PendingLogLine::lineNo).containsExactly(1, 2);
        assertThat(out.drain().lines()).extracting(PendingLogLine::line, PendingLogLine::lineNo).containsExactly(tuple("three", 3));
        assertThat(out.drain().isEmpty()).isTrue();
    }

    @Test
    void keepsTheTailAndMarksTheCutAsLineZero() {
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, new OutputLimits(12, 100, 100));
        out.append("stdout", "12345"); // 6 bytes with its newline
        out.append("stdout", "67890"); // 12: still fits
        out.append("stdout", "abc"); // 16: the first line goes
        OutputChunk chunk = out.drain();
        assertThat(chunk.lines()).extracting(PendingLogLine::lineNo, PendingLogLine::line).containsExactly(
                tuple(0, "[output cut: 1 lines (6 bytes) dropped; the log keeps the last 12 bytes or 100 lines of each attempt]"),
                tuple(2, "67890"), tuple(3, "abc"));
        assertThat(chunk.cutThrough()).as("nothing cut had been written yet").isZero();
    }

    @Test
    void linesWrittenAlreadyAreDeletedWithTheNextFlushAndTheMarkerReplaced() {
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, new OutputLimits(1000, 2, 100));
        out.append("stdout", "a");
        out.append("stdout", "b");
        out.drain();
        out.append("stdout", "c");
        out.append("stdout", "d");
        OutputChunk chunk = out.drain();
        assertThat(chunk.cutThrough()).isEqualTo(2);
        assertThat(chunk.lines()).extracting(PendingLogLine::lineNo).containsExactly(0, 3, 4);
        out.append("stdout", "e");
        OutputChunk next = out.drain();
        assertThat(next.cutThrough()).isEqualTo(3);
        assertThat(next.lines()).extracting(PendingLogLine::lineNo, PendingLogLine::line)
                .containsExactly(tuple(0, "[output cut: 3 lines (6 bytes) dropped; the log keeps the last 1000 bytes or 2 lines of each attempt]"),
                        tuple(5, "e"));
    }

    @Test
    void emptyLinesCountAgainstTheLineLimitSoWhatWaitsStaysBounded() {
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, new OutputLimits(1 << 20, 1000, 100));
        for (int i = 0; i < 300_000; i++) {
            out.append("stdout", "");
        }
        OutputChunk chunk = out.drain();
        assertThat(chunk.lines()).hasSize(1001);
        assertThat(chunk.lines().get(0).line()).startsWith("[output cut: 299000 lines (299000 bytes) dropped;");
        assertThat(chunk.lines().get(1).lineNo()).isEqualTo(299_001);
        assertThat(out.cutBytes()).isEqualTo(299_000);
    }

    @Test
    void theServersOwnLinesAreNeverCut() {
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, new OutputLimits(1000, 1, 100));
        out.system("[job aborted: stopping the step]");
        out.append("stdout", "x");
        out.append("stdout", "y");
        assertThat(out.drain().lines()).extracting(PendingLogLine::line).containsExactly(
                "[output cut: 1 lines (2 bytes) dropped; the log keeps the last 1000 bytes or 1 lines of each attempt]",
                "[job aborted: stopping the step]", "y");
    }

    @Test
    void aLineLargerThanTheWholeLimitIsCutAndTheRestKept() {
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, new OutputLimits(10, 100, 100));
        out.append("stdout", "keep");
        out.append("stdout", "0123456789abc");
        assertThat(out.drain().lines()).extracting(PendingLogLine::line).containsExactly(
                "[output cut: 1 lines (14 bytes) dropped; the log keeps the last 10 bytes or 100 lines of each attempt]", "keep");
    }
}
