package io.flowcluster.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;

/**
 * What the scheduler applied, as it publishes it: in its database row and the API for
 * everyone, and (in Kubernetes) as {@code state.json} in the scheduler-state ConfigMap, which
 * the operator copies into the FlowCluster status and reads its drain decisions from.
 * Unknown fields are ignored so that either side can be upgraded first.
 *
 * @param desiredEpoch the epoch of the operator's ring this applies; null without one
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SchedulerState(String scheduler, long schedulerEpoch, long ringEpoch, Long desiredEpoch, List<Member> members) {

    /** The key of the JSON in the ConfigMap. */
    public static final String KEY = "state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public SchedulerState {
        members = members == null ? List.of() : List.copyOf(members);
    }

    /**
     * One ring member: its owned unfinished jobs, its dispatched or running steps; drained
     * when it drains and has neither left.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Member(String id, boolean draining, boolean drained, int ownedJobs, int runningSteps) {
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of strings and numbers always serializes", e);
        }
    }

    /** Empty when the text is missing or not a state (a half-written or foreign ConfigMap). */
    public static Optional<SchedulerState> parse(String json) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(json, SchedulerState.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
