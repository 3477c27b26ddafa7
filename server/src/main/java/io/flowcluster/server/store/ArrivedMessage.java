package io.flowcluster.server.store;

import java.util.UUID;

/** A message its job's owner processed; {@code payload} is its JSON text, or null. */
public record ArrivedMessage(UUID jobId, String name, String payload) {
}
