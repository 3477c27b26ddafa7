package io.flowcluster.server.store;

import java.util.UUID;

/**
 * A runnable step; the node that owns its job (null while it has none); whether another step
 * of the job is dispatched or running right now (then the job cannot change owner); whether
 * it may run on any node (a command or noop step of a DISTRIBUTED job) rather than its owner;
 * whether it takes a task slot (a wait or fanout step does not).
 */
public record Candidate(UUID jobId, int index, String owner, boolean jobActive, boolean spreadable, boolean holdsSlot) {
}
