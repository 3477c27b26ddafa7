package io.flowcluster.server.store;

import io.flowcluster.server.job.JobState;

/** What an abort found: the job missing, already ended (in which state), or now aborted. */
public record AbortOutcome(Kind kind, JobState finishedState) {

    public enum Kind { NOT_FOUND, ALREADY_FINISHED, ABORTED }

    static AbortOutcome notFound() {
        return new AbortOutcome(Kind.NOT_FOUND, null);
    }

    static AbortOutcome alreadyFinished(JobState state) {
        return new AbortOutcome(Kind.ALREADY_FINISHED, state);
    }

    static AbortOutcome aborted() {
        return new AbortOutcome(Kind.ABORTED, JobState.ABORTED);
    }
}
