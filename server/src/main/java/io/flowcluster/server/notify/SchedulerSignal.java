package io.flowcluster.server.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a notification on the scheduler's channel tells it. The scheduler keeps the cluster's
 * picture in memory between passes; each signal says how much of it to look at again:
 * {@code work} (steps became ready: read the queue's head), {@code ends <job ids>} (nodes
 * recorded attempt ends of these jobs: apply them, which frees their slots in the picture),
 * anything else (the members or the steps they hold changed: rebuild the picture).
 */
public final class SchedulerSignal {

    /** Steps became ready, or a job was aborted. */
    public static final String WORK = "work";
    /** Nodes recorded how attempts of the jobs that follow ended (ids separated by commas). */
    public static final String ENDS = "ends ";
    /** Job ids in one {@link #ENDS} signal at most: 150 of 37 bytes stay under PostgreSQL's 8,000-byte payload. */
    public static final int MAX_ENDED_JOBS = 150;
    /** Members joined, left, drained, or handed their steps back. */
    public static final String MEMBERS = "members";

    private SchedulerSignal() {
    }

    /** The jobs whose ends were recorded, if the payload says so; empty otherwise. */
    public static Optional<List<UUID>> endedJobs(String payload) {
        if (payload == null || !payload.startsWith(ENDS)) {
            return Optional.empty();
        }
        List<UUID> jobs = new ArrayList<>();
        for (String id : payload.substring(ENDS.length()).split(",")) {
            try {
                jobs.add(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // not understood: the caller looks at everything again
            }
        }
        return Optional.of(jobs);
    }

    /** Whether the payload asks only for a look at the queue, the picture being still true. */
    public static boolean onlyWork(String payload) {
        return WORK.equals(payload) || endedJobs(payload).isPresent();
    }
}
