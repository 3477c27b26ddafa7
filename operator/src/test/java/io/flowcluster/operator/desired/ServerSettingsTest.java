package io.flowcluster.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.contract.Durations;
import io.flowcluster.contract.ServerSetting;
import io.flowcluster.operator.crd.DistributionSpec;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterSpec;
import io.flowcluster.operator.crd.SchedulerSpec;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator passes only the contract's settings (the server's tests check that it reads
 * each), with the spec's values or the schema's defaults.
 */
class ServerSettingsTest {

    @Test
    void everyVariableIsAContractSettingWithTheSpecsValueOrItsDefault() {
        FlowCluster fc = new FlowCluster();
        fc.getMetadata().setName("demo");
        fc.setSpec(new FlowClusterSpec());
        fc.getSpec().distribution = new DistributionSpec();
        fc.getSpec().distribution.mode = DistributionSpec.Mode.DISTRIBUTED;
        fc.getSpec().scheduler = new SchedulerSpec();
        fc.getSpec().scheduler.dispatchAhead = 2;

        Map<String, String> env = ServerSettings.of(fc);

        assertThat(env.keySet()).isSubsetOf(Arrays.stream(ServerSetting.values()).map(ServerSetting::env).toList());
        assertThat(env).containsEntry("FLOW_DISTRIBUTION_MODE", "DISTRIBUTED").containsEntry("FLOW_SCHEDULER_DISPATCH_AHEAD", "2")
                .containsEntry("FLOW_COORDINATION", "kubernetes").containsEntry("FLOW_CLUSTER_NAME", "demo");
        assertThat(Durations.parse(env.get("FLOW_SCHEDULER_LEASE_DURATION"))).isPositive();
        assertThat(env.get("FLOW_SCHEDULER_RENEW_INTERVAL")).matches(Durations.SETTING_PATTERN);
    }
}
