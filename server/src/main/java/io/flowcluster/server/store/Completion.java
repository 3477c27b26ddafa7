package io.flowcluster.server.store;

import io.flowcluster.server.job.JobState;
import java.util.Optional;

/**
 * What recording an attempt's end did. {@code fenced}: the attempt was no longer the step's
 * live attempt (the job was aborted, or the attempt was declared lost), so nothing changed.
 */
public record Completion(boolean fenced, Optional<JobState> jobFinished) {

    static Completion fencedOff() {
        return new Completion(true, Optional.empty());
    }
}
