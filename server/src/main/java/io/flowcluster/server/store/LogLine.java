package io.flowcluster.server.store;

import java.time.Instant;

/** One line of a step attempt's output, as stored. */
public record LogLine(String step, int attempt, String node, String stream, Instant at, String line) {
}
