package io.flowcluster.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.flowcluster.contract.Durations;
import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobState;
import io.flowcluster.server.store.StoredJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A job as the API shows it; {@code steps} only on the single-job resource. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        UUID id,
        String name,
        int priority,
        Map<String, String> labels,
        Map<String, String> parameters,
        JobState state,
        String owner,
        DistributionMode distribution,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        String retention,
        Instant expiresAt,
        /** The schedule and tick that made the job; absent for a job submitted. */
        ScheduledBy schedule,
        Progress progress,
        List<StepView> steps) {

    static JobView of(StoredJob job, Progress progress, List<StepView> steps) {
        return new JobView(job.id(), job.name(), job.priority(), job.labels(), job.parameters(), job.state(),
                job.ownerNode(), job.distribution(), job.submittedAt(), job.startedAt(), job.finishedAt(),
                Durations.format(job.retention()), job.expiresAt(),
                job.schedule() == null ? null : new ScheduledBy(job.schedule().schedule(), job.schedule().at()), progress, steps);
    }

    public record ScheduledBy(String name, Instant tick) {
    }
}
