package io.flowcluster.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SchedulerSignalTest {

    @Test
    void workAndEndsNeedNoNewPictureAndAnythingElseDoes() {
        assertThat(SchedulerSignal.onlyWork(SchedulerSignal.WORK)).isTrue();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        String ends = SchedulerSignal.ENDS + a + "," + b;
        assertThat(SchedulerSignal.endedJobs(ends)).hasValue(List.of(a, b));
        assertThat(SchedulerSignal.onlyWork(ends)).isTrue();
        assertThat(SchedulerSignal.endedJobs(SchedulerSignal.ENDS + a + ",x")).as("not understood").isEmpty();
        assertThat(SchedulerSignal.onlyWork(SchedulerSignal.ENDS + "x")).as("not understood: read everything again").isFalse();
        assertThat(SchedulerSignal.endedJobs(SchedulerSignal.WORK)).isEmpty();
        assertThat(SchedulerSignal.onlyWork(SchedulerSignal.MEMBERS)).isFalse();
        assertThat(SchedulerSignal.onlyWork(null)).as("notifications were lost").isFalse();
        assertThat(SchedulerSignal.onlyWork("ended 3 node-a")).as("not understood: read everything again").isFalse();
    }
}
