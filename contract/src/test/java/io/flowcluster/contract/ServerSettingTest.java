package io.flowcluster.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerSettingTest {

    @Test
    void theEnvironmentNameIsTheKeyAsQuarkusMapsIt() {
        assertThat(ServerSetting.DISTRIBUTION_TASK_QUEUE_SIZE.env()).isEqualTo("FLOW_DISTRIBUTION_TASK_QUEUE_SIZE");
        assertThat(ServerSetting.NODE_ID.env()).isEqualTo("FLOW_NODE_ID");
        for (ServerSetting s : ServerSetting.values()) {
            assertThat(s.key()).startsWith("flow.").matches("[a-z.-]+");
            assertThat(s.env()).isEqualTo("FLOW_" + s.name());
        }
    }
}
