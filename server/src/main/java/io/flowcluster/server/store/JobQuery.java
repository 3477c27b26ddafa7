package io.flowcluster.server.store;

import io.flowcluster.server.job.JobState;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A page request over jobs, newest first: the states and labels to match, text the name must
 * contain (any case; empty matches all), and where to resume.
 */
public record JobQuery(Set<JobState> states, Map<String, String> labels, String nameContains, OptionalLong beforeSeq,
        int limit) {
}
