package io.flowcluster.server.store;

import java.util.List;
import java.util.Set;

/**
 * What the database says a node has: {@code start}, the attempts started there that it does
 * not run yet, most urgent first; {@code running}, every attempt RUNNING there (those it runs
 * too); {@code queued}, how many steps wait DISPATCHED for its slots.
 */
public record Assignments(List<Claim> start, Set<AttemptKey> running, int queued) {
}
