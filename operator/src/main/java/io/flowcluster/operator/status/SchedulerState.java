package io.flowcluster.operator.status;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** What the scheduler published in the {@code <name>-scheduler-state} ConfigMap ({@code state.json}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SchedulerState(String scheduler, long schedulerEpoch, long ringEpoch, Long desiredEpoch, List<Member> members) {

    public static final String KEY = "state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Member(String id, boolean draining, boolean drained, int ownedJobs, int runningSteps) {
    }

    public static Optional<SchedulerState> parse(String json) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(json, SchedulerState.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
