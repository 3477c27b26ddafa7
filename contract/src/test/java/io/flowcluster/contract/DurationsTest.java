package io.flowcluster.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsEveryFormTheServerDocuments() {
        assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse(" 2m ")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("-5s")).isEqualTo(Duration.ofSeconds(-5));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("10MS")).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void whatIsNoDurationIsRefusedWithTheFormsItTakes() {
        for (String bad : new String[] {"", "s", "5 minutes", "1.5h", "1d2h", "99999999999999999999s", "9223372036854775807d", "PT",
            "1s".repeat(5000)}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a duration");
        }
    }

    @Property
    void theShortestFormReadsBackAsTheSameDuration(@ForAll @LongRange(min = 0, max = 10_000_000_000L) long millis) {
        Duration d = Duration.ofMillis(millis);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @Property
    void everySettingTheCrdAcceptsIsAPositiveDuration(@ForAll @LongRange(min = 1, max = 999_999) long amount,
            @ForAll("units") String unit) {
        String text = amount + unit;
        assertThat(text).matches(Durations.SETTING_PATTERN);
        assertThat(Durations.parse(text)).isPositive();
    }

    @Provide
    Arbitrary<String> units() {
        return Arbitraries.of("ms", "s", "m", "h");
    }
}
