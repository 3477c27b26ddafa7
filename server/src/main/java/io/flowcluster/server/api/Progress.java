package io.flowcluster.server.api;

import io.flowcluster.server.job.StepState;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/** How far a job is: steps per state, and the share of steps that have ended. */
public record Progress(int total, int done, int percent, Map<StepState, Integer> steps) {

    static Progress of(Collection<StepState> states) {
        Map<StepState, Integer> counts = new EnumMap<>(StepState.class);
        int done = 0;
        for (StepState s : states) {
            counts.merge(s, 1, Integer::sum);
            if (s.isTerminal()) {
                done++;
            }
        }
        int total = states.size();
        return new Progress(total, done, total == 0 ? 0 : done * 100 / total, counts);
    }
}
