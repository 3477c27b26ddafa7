package io.flowcluster.server.notify;

import java.util.Optional;

/**
 * What a notification on the scheduler's channel tells it. The scheduler keeps the cluster's
 * picture in memory between passes; each signal says how much of it to look at again:
 * {@code work} (steps became ready: read the queue's head), {@code ended} (a node's task
 * slots were freed: count them free without asking the database), anything else (the
 * members or the steps they hold changed: rebuild the picture).
 */
public final class SchedulerSignal {

    /** Steps became ready, or a job was aborted. */
    public static final String WORK = "work";
    /** Members joined, left, drained, or handed their steps back. */
    public static final String MEMBERS = "members";
    private static final String ENDED = "ended ";

    private SchedulerSignal() {
    }

    /** Steps holding {@code slots} task slots of {@code node} ended there. */
    public static String ended(String node, int slots) {
        return ENDED + slots + " " + node;
    }

    /** The slots freed, if the payload says steps ended; empty otherwise. */
    public static Optional<Freed> freed(String payload) {
        if (payload == null || !payload.startsWith(ENDED)) {
            return Optional.empty();
        }
        String rest = payload.substring(ENDED.length());
        int space = rest.indexOf(' ');
        if (space < 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Freed(rest.substring(space + 1), Integer.parseInt(rest.substring(0, space))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether the payload asks only for a look at the queue, the picture being still true. */
    public static boolean onlyWork(String payload) {
        return WORK.equals(payload) || freed(payload).isPresent();
    }

    public record Freed(String node, int slots) {
    }
}
