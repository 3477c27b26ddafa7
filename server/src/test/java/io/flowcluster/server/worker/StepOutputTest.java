package io.flowcluster.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.server.store.PendingLogLine;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StepOutputTest {

    @Test
    void numbersLinesInArrivalOrderAcrossDrains() {
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, new OutputLimits(1000, 100, 100));
        out.append("stdout", "one");
        out.append("stderr", "two");
        List<PendingLogLine> first = out.drain();
        out.append("stdout", "three");
        assertThat(first).extracting(PendingLogLine::lineNo).containsExactly(1, 2);
        assertThat(out.drain()).extracting(PendingLogLine::line, PendingLogLine::lineNo)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("three", 3));
        assertThat(out.drain()).isEmpty();
    }

    @Test
    void keepsOutputUpToTheLimitThenMarksTheCutOnce() {
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, new OutputLimits(10, 100, 100));
        out.append("stdout", "12345"); // 6 bytes with its newline
        out.append("stdout", "67890"); // would make 12
        out.append("stdout", "more");
        out.finish();
        assertThat(out.drain()).extracting(PendingLogLine::line)
                .containsExactly("12345", "[output truncated: more than 10 bytes or 100 lines; the rest of this attempt's output is dropped]",
                        "[2 lines (11 bytes) of output were dropped]");
        assertThat(out.droppedBytes()).isEqualTo(11);
    }

    @Test
    void emptyLinesCountAgainstTheLineLimitSoWhatWaitsStaysBounded() {
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, new OutputLimits(1 << 20, 1000, 100));
        for (int i = 0; i < 300_000; i++) {
            out.append("stdout", "");
        }
        out.finish();
        List<PendingLogLine> lines = out.drain();
        assertThat(lines).hasSize(1002);
        assertThat(lines.get(1001).line()).isEqualTo("[299000 lines (299000 bytes) of output were dropped]");
    }

    @Test
    void nothingMoreIsKeptOnceTheOutputWasCut() {
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, new OutputLimits(10, 100, 100));
        out.append("stdout", "0123456789abc");
        out.append("stdout", "x");
        assertThat(out.drain()).extracting(PendingLogLine::line).hasSize(1).allMatch(l -> l.startsWith("[output truncated"));
    }
}
