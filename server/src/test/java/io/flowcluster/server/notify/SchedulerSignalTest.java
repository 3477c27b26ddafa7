package io.flowcluster.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchedulerSignalTest {

    @Test
    void workAndEndsNeedNoNewPictureAndAnythingElseDoes() {
        assertThat(SchedulerSignal.onlyWork(SchedulerSignal.WORK)).isTrue();
        assertThat(SchedulerSignal.onlyWork(SchedulerSignal.ENDS)).isTrue();
        assertThat(SchedulerSignal.onlyWork(SchedulerSignal.MEMBERS)).isFalse();
        assertThat(SchedulerSignal.onlyWork(null)).as("notifications were lost").isFalse();
        assertThat(SchedulerSignal.onlyWork("ended 3 node-a")).as("not understood: read everything again").isFalse();
    }
}
