package io.flowcluster.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

public record StoredMessage(long id, String name, JsonNode payload, String receivedBy, Instant receivedAt,
        String processedBy, Instant processedAt) {
}
