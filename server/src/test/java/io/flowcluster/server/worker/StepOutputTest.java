package io.flowcluster.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.server.store.PendingLogLine;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StepOutputTest {

    @Test
    void numbersLinesInArrivalOrderAcrossDrains() {
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, 1000);
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
        StepOutput out = new StepOutput(UUID.randomUUID(), 0, 1, 10);
        out.append("stdout", "12345"); // 6 bytes with its newline
        out.append("stdout", "67890"); // would make 12
        out.append("stdout", "more");
        assertThat(out.drain()).extracting(PendingLogLine::line)
                .containsExactly("12345", "[output truncated: more than 10 bytes]");
        assertThat(out.droppedBytes()).isEqualTo(11);
    }
}
