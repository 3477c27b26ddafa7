package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetentionSpec {

    @JsonPropertyDescription("How long a job is kept once it has ended, unless its submission says otherwise (e.g. 30d, 12h); "
            + "then it is deleted with its steps, attempts and logs.")
    @Default(Defaults.RETENTION_FINISHED)
    @Pattern(Defaults.RETENTION_PATTERN)
    public String finished;

    @JsonPropertyDescription("Output kept per step attempt, in bytes (up to 8 MiB: a running step holds up to this much in the node's "
            + "memory): the last bytes are kept, and the log says how much was cut.")
    @Default(Defaults.LOG_BYTES_PER_ATTEMPT)
    @Min(1024)
    @Max(8388608)
    public Integer logBytesPerAttempt;
}
