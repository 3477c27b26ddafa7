package io.flowcluster.server.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.flowcluster.contract.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One step as submitted. {@code kind} defaults to {@code command}; a command step has
 * exactly one of {@code command} (an argv list) and {@code shell} (run by {@code /bin/sh -c});
 * a {@code wait} step names the {@code message} it waits for; a {@code fanout} step names its
 * items in {@code fanout} and may give a {@code command} or {@code shell} run once per item.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepSpec(
        String name,
        String kind,
        List<String> command,
        String shell,
        Map<String, String> env,
        String workingDir,
        String timeout,
        RetrySpec retries,
        List<String> dependsOn,
        String message,
        FanoutSpec fanout) {

    /** Valid only after {@link JobValidator} accepted the step. */
    @JsonIgnore
    public StepKind stepKind() {
        return kind == null ? StepKind.COMMAND : StepKind.fromWireName(kind).orElseThrow();
    }

    /** Whether a command runs: always for a command step, per item for a fanout step that names one. */
    @JsonIgnore
    public boolean hasCommand() {
        return command != null || shell != null;
    }

    @JsonIgnore
    public List<String> argv() {
        return shell != null ? List.of("/bin/sh", "-c", shell) : command;
    }

    @JsonIgnore
    public Optional<Duration> timeoutDuration() {
        return Optional.ofNullable(timeout).map(Durations::parse);
    }

    @JsonIgnore
    public RetryPolicy retryPolicy() {
        return RetryPolicy.of(retries);
    }

    @JsonIgnore
    public List<String> dependencies() {
        return dependsOn == null ? List.of() : dependsOn;
    }

    @JsonIgnore
    public Map<String, String> environment() {
        return env == null ? Map.of() : env;
    }

    /** The same step with its defaults written out (valid only after {@link JobValidator} accepted it). */
    public StepSpec withDefaults() {
        return new StepSpec(name, stepKind().wireName(), command, shell, environment(), workingDir, timeout, retries,
                dependencies(), message, fanout);
    }
}
