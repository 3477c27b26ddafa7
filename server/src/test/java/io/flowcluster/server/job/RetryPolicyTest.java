package io.flowcluster.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.contract.Durations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void noRetriesByDefault() {
        RetryPolicy policy = RetryPolicy.of(null);
        assertThat(policy.allowsRetryAfter(1)).isFalse();
    }

    @Test
    void retriesUpToTheLimitWithExponentialBackoffCappedAtTheMaximum() {
        RetryPolicy policy = RetryPolicy.of(new RetrySpec(3, "100ms", "300ms", 2.0));
        assertThat(policy.allowsRetryAfter(3)).isTrue();
        assertThat(policy.allowsRetryAfter(4)).isFalse();
        assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.delayAfter(30)).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void acceptsTheSettingsDurationForms() {
        assertThat(Durations.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
    }
}
