package io.flowcluster.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.contract.Durations;
import io.flowcluster.contract.ServerSetting;
import io.quarkus.runtime.configuration.DurationConverter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The operator and the local launcher configure the server through the contract's setting
 * names and duration forms; this side of the contract must read them as they are written.
 */
class ContractSettingsTest {

    @Test
    void everySettingOthersPassIsOneTheServerReads() {
        Set<String> known = new TreeSet<>();
        collect("flow", FlowConfig.class, known);
        assertThat(known).contains("flow.distribution.task-queue-size", "flow.worker.task-pool-size");
        assertThat(Arrays.stream(ServerSetting.values()).map(ServerSetting::key)).allMatch(known::contains);
    }

    /** Every duration the contract reads, Quarkus reads as the same duration in the server's settings. */
    @Property
    void aDurationReadsTheSameInASettingAndInAJob(@ForAll("durations") String text) {
        assertThat(Durations.parse(text)).isEqualTo(DurationConverter.parseDuration(text));
    }

    @Provide
    Arbitrary<String> durations() {
        Arbitrary<String> amount = Arbitraries.longs().between(0, 1_000_000).map(String::valueOf);
        return Arbitraries.oneOf(amount, amount.flatMap(a -> Arbitraries.of("ms", "s", "m", "h", "d", "S", "MS").map(u -> a + u)),
                amount.map(a -> "PT" + a + "M"), amount.map(a -> "-" + a + "s"));
    }

    /** The keys of every setting of a config interface, its nested groups included. */
    private static void collect(String prefix, Class<?> group, Set<String> keys) {
        for (Method m : group.getDeclaredMethods()) {
            if (m.getParameterCount() > 0 || !Modifier.isAbstract(m.getModifiers())) {
                continue; // derived values such as nodeTimeout() are not settings
            }
            String key = prefix + "." + m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            if (m.getReturnType().getDeclaringClass() == FlowConfig.class) {
                collect(key, m.getReturnType(), keys);
            } else {
                keys.add(key);
            }
        }
    }
}
