package io.flowcluster.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcluster.server.job.StepSpec;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A packet this node claimed: items {@code first} to {@code first + count - 1} of a fanout
 * step, either the given {@code records} or the integers from {@code rangeFrom + first}.
 * {@code handler} is the step without its item list: the command to run per item, if any.
 */
public record PacketClaim(
        UUID jobId,
        String jobName,
        Map<String, String> parameters,
        int index,
        int packetNo,
        int attempt,
        int first,
        int count,
        List<JsonNode> records,
        long rangeFrom,
        StepSpec handler) {
}
