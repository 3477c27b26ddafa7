package io.flowcluster.server.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** One attempt of a step: where and when it ran and how it ended ({@code outcome} null while it runs). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredAttempt(String step, int attempt, String node, Instant startedAt, Instant finishedAt, String outcome,
        Integer exitCode, String message) {
}
