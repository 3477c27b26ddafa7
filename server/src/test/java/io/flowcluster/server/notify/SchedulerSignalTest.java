package io.flowcluster.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchedulerSignalTest {

    @Test
    void endedStepsCarryTheirNodeAndTheSlotsTheyFreed() {
        String payload = SchedulerSignal.ended("node-a", 3);
        assertThat(SchedulerSignal.freed(payload)).contains(new SchedulerSignal.Freed("node-a", 3));
        assertThat(SchedulerSignal.onlyWork(payload)).isTrue();
    }

    @Test
    void workNeedsNoNewPictureAndAnythingElseDoes() {
        assertThat(SchedulerSignal.onlyWork(SchedulerSignal.WORK)).isTrue();
        assertThat(SchedulerSignal.onlyWork(SchedulerSignal.MEMBERS)).isFalse();
        assertThat(SchedulerSignal.onlyWork(null)).as("notifications were lost").isFalse();
        assertThat(SchedulerSignal.freed("ended x node-a")).isEmpty();
        assertThat(SchedulerSignal.freed("ended 3")).isEmpty();
        assertThat(SchedulerSignal.onlyWork("ended 3")).as("not understood: read everything again").isFalse();
    }
}
