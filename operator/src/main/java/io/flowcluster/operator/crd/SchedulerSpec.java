package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.flowcluster.contract.Durations;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.leaseDuration) || !has(self.renewInterval) || duration(self.leaseDuration) > duration(self.renewInterval)",
        message = "leaseDuration must be longer than renewInterval: the holder renews the lease before it expires")
public class SchedulerSpec {

    @JsonPropertyDescription("How long the scheduler lease lasts without renewal: the takeover time after a crash (e.g. 2s).")
    @Default(Defaults.LEASE_DURATION)
    @Pattern(Durations.SETTING_PATTERN)
    public String leaseDuration;

    @JsonPropertyDescription("How often the holder renews the lease and standbys try to take it (e.g. 500ms).")
    @Default(Defaults.RENEW_INTERVAL)
    @Pattern(Durations.SETTING_PATTERN)
    public String renewInterval;

    @JsonPropertyDescription("Steps per task slot a node may hold dispatched but not started; they start as slots free, without "
            + "waiting for the scheduler (throughput for short steps). 0 keeps strict priority order.")
    @Default(Defaults.DISPATCH_AHEAD)
    @Min(0)
    public Integer dispatchAhead;
}
