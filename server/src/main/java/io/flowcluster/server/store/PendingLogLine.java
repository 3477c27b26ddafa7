package io.flowcluster.server.store;

import java.time.Instant;
import java.util.UUID;

/** A line of output waiting to be written. */
public record PendingLogLine(UUID jobId, int index, int attempt, int lineNo, String stream, Instant at, String line) {
}
