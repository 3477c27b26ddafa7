package io.flowcluster.server.store;

import io.flowcluster.server.job.JobState;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A page request over jobs, newest first: the states and labels to match, text the name must
 * contain (any case; empty matches all), the schedule that made them (empty: any job), and
 * where to resume.
 */
public record JobQuery(Set<JobState> states, Map<String, String> labels, String nameContains, Optional<String> schedule,
        OptionalLong beforeSeq, int limit) {
}
