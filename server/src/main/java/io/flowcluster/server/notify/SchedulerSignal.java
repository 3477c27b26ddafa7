package io.flowcluster.server.notify;

/**
 * What a notification on the scheduler's channel tells it. The scheduler keeps the cluster's
 * picture in memory between passes; each signal says how much of it to look at again:
 * {@code work} (steps became ready: read the queue's head), {@code ends} (nodes recorded
 * attempt ends: apply them, which frees their slots in the picture), anything else (the
 * members or the steps they hold changed: rebuild the picture).
 */
public final class SchedulerSignal {

    /** Steps became ready, or a job was aborted. */
    public static final String WORK = "work";
    /** Nodes recorded how attempts ended. */
    public static final String ENDS = "ends";
    /** Members joined, left, drained, or handed their steps back. */
    public static final String MEMBERS = "members";

    private SchedulerSignal() {
    }

    /** Whether the payload asks only for a look at the queue, the picture being still true. */
    public static boolean onlyWork(String payload) {
        return WORK.equals(payload) || ENDS.equals(payload);
    }
}
