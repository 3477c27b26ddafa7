package io.flowcluster.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.flowcluster.server.job.StepSpec;
import io.flowcluster.server.job.StepState;
import io.flowcluster.server.store.PacketProgress;
import io.flowcluster.server.store.StoredStep;
import java.time.Instant;

/**
 * A step's definition and where it stands; {@code retryAt} while it waits out a backoff;
 * {@code packets} for a fanout step once its items are cut: packets per state, failed items.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepView(
        String name,
        StepState state,
        int attempt,
        String node,
        Instant retryAt,
        Instant startedAt,
        Instant finishedAt,
        Integer exitCode,
        String message,
        PacketProgress packets,
        StepSpec definition) {

    /** @param packets a fanout step's packets, null for other steps */
    static StepView of(StoredStep s, PacketProgress packets) {
        return new StepView(s.spec().name(), s.state(), s.attempt(), s.node(), s.notBefore(), s.startedAt(),
                s.finishedAt(), s.exitCode(), s.message(), packets, s.spec());
    }
}
