package io.flowcluster.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcluster.contract.Durations;
import io.flowcluster.contract.ServerSetting;
import io.quarkus.runtime.configuration.DurationConverter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
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

    /** A duration reads the same in a job as in a setting (Quarkus), and what one refuses the other does. */
    @Property
    void aDurationReadsTheSameInASettingAndInAJob(@ForAll("durations") String text) {
        Duration inASetting;
        try {
            inASetting = DurationConverter.parseDuration(text);
        } catch (IllegalArgumentException refused) {
            assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        assertThat(Durations.parse(text)).isEqualTo(inASetting);
    }

    @Provide
    Arbitrary<String> durations() {
        Arbitrary<String> amount = Arbitraries.longs().between(0, 1_000_000).map(String::valueOf);
        Arbitrary<String> unit = Arbitraries.of("ms", "s", "m", "h", "d", "S", "MS", "H");
        Arbitrary<String> oneUnit = Combinators.combine(amount, unit).as((a, u) -> a + u);
        return Arbitraries.oneOf(amount, oneUnit,
                Combinators.combine(amount, amount, amount).as((h, m, s) -> h + "h" + m + "m" + s + "s"),
                Combinators.combine(amount, Arbitraries.integers().between(0, 999)).as((s, f) -> s + "." + f + "s"),
                amount.map(a -> "PT" + a + "M"), amount.map(a -> "-" + a + "s"), amount.map(a -> a + ".5h"),
                Combinators.combine(amount, amount).as((d, h) -> d + "d" + h + "h"));
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
