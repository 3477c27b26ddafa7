package io.flowcluster.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerStateTest {

    @Test
    void whatTheSchedulerWritesTheOperatorReadsBack() {
        SchedulerState state = new SchedulerState("node-a", 3, 7, 2L,
                List.of(new SchedulerState.Member("node-a", false, false, 5, 2), new SchedulerState.Member("node-b", true, true, 0, 0)));
        assertThat(SchedulerState.parse(state.toJson())).hasValue(state);
        assertThat(SchedulerState.parse(new SchedulerState("node-a", 1, 1, null, List.of()).toJson()).orElseThrow().desiredEpoch())
                .isNull();
    }

    @Test
    void theJsonKeepsItsFieldNamesAndANewerWritersFieldsAreIgnored() {
        String json = "{\"scheduler\":\"a\",\"schedulerEpoch\":2,\"ringEpoch\":3,\"desiredEpoch\":1,\"future\":true,"
                + "\"members\":[{\"id\":\"a\",\"draining\":true,\"drained\":false,\"ownedJobs\":4,\"runningSteps\":1,\"later\":0}]}";
        assertThat(SchedulerState.parse(json)).hasValue(
                new SchedulerState("a", 2, 3, 1L, List.of(new SchedulerState.Member("a", true, false, 4, 1))));
    }

    @Test
    void whatIsNoStateReadsAsNone() {
        assertThat(SchedulerState.parse(null)).isEmpty();
        assertThat(SchedulerState.parse(" ")).isEmpty();
        assertThat(SchedulerState.parse("{\"scheduler\":")).isEmpty();
        assertThat(SchedulerState.parse("[]")).isEmpty();
    }
}
