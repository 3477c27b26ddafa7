package io.flowcluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.operator.crd.DistributionSpec;
import io.flowcluster.operator.crd.FlowCluster;
import io.flowcluster.operator.crd.FlowClusterSpec;
import io.flowcluster.operator.crd.SchedulerSpec;
import io.flowcluster.operator.desired.ServerSettings;
import io.flowcluster.server.config.FlowConfig;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator configures the server through environment variables; a name the server does
 * not read would be dropped without a word. Every one it sets must be a key of the server's
 * {@link FlowConfig} ({@code flow.distribution.task-queue-size} is
 * {@code FLOW_DISTRIBUTION_TASK_QUEUE_SIZE}).
 */
class SettingsContractTest {

    @Test
    void everySettingTheOperatorPassesIsOneTheServerReads() {
        FlowCluster fc = new FlowCluster();
        fc.getMetadata().setName("demo");
        fc.setSpec(new FlowClusterSpec());
        fc.getSpec().distribution = new DistributionSpec();
        fc.getSpec().distribution.mode = DistributionSpec.Mode.DISTRIBUTED;
        fc.getSpec().scheduler = new SchedulerSpec();
        fc.getSpec().scheduler.dispatchAhead = 2;

        Map<String, String> env = ServerSettings.of(fc);
        Set<String> known = new TreeSet<>();
        collect("FLOW", FlowConfig.class, known);

        assertThat(known).contains("FLOW_DISTRIBUTION_TASK_QUEUE_SIZE", "FLOW_WORKER_TASK_POOL_SIZE");
        assertThat(env.keySet()).isSubsetOf(known);
        assertThat(env).containsEntry("FLOW_DISTRIBUTION_MODE", "DISTRIBUTED").containsEntry("FLOW_SCHEDULER_DISPATCH_AHEAD", "2");
    }

    /** Environment names of every setting of a config interface, its nested groups included. */
    private static void collect(String prefix, Class<?> group, Set<String> names) {
        for (Method m : group.getDeclaredMethods()) {
            if (m.getParameterCount() > 0 || !Modifier.isAbstract(m.getModifiers())) {
                continue; // derived values such as nodeTimeout() are not settings
            }
            String name = prefix + "_" + m.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
            if (m.getReturnType().getDeclaringClass() == FlowConfig.class) {
                collect(name, m.getReturnType(), names);
            } else {
                names.add(name);
            }
        }
    }
}
