package io.flowcluster.server.store;

import com.fasterxml.jackson.databind.JsonNode;

/** What processing one item of a fanout step gave; {@code item} is its position in the step. */
public record ItemResult(int item, boolean ok, JsonNode result) {
}
