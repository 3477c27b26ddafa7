package io.flowcluster.server.api;

import com.fasterxml.jackson.databind.JsonNode;

/** A message for a job: a name (what it means, e.g. {@code approve}) and any JSON payload. */
public record MessageRequest(String name, JsonNode payload) {
}
