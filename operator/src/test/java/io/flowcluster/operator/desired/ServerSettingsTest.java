package io.flowcluster.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.contract.Durations;
import io.flowcluster.contract.ServerSetting;
import io.flowcluster.operator.crd.DistributionSpec;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterSpec;
import io.flowcluster.operator.crd.RetentionSpec;
import io.flowcluster.operator.crd.SchedulerSpec;
import java.time.Duration;
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
        fc.getSpec().retention = new RetentionSpec();
        fc.getSpec().retention.finished = "7d";

        Map<String, String> env = ServerSettings.of(fc);

        assertThat(env.keySet()).isSubsetOf(Arrays.stream(ServerSetting.values()).map(ServerSetting::env).toList());
        assertThat(env).containsEntry("FLOW_DISTRIBUTION_MODE", "DISTRIBUTED").containsEntry("FLOW_SCHEDULER_DISPATCH_AHEAD", "2")
                .containsEntry("FLOW_COORDINATION", "kubernetes").containsEntry("FLOW_CLUSTER_NAME", "demo")
                .containsEntry("FLOW_RETENTION_FINISHED", "7d").containsEntry("FLOW_WORKER_MAX_LOG_BYTES", "1048576");
        assertThat(Durations.parse(env.get("FLOW_RETENTION_FINISHED"))).as("the server reads it").isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse(env.get("FLOW_SCHEDULER_LEASE_DURATION"))).isPositive();
        assertThat(env.get("FLOW_SCHEDULER_RENEW_INTERVAL")).matches(Durations.SETTING_PATTERN);
    }
}
