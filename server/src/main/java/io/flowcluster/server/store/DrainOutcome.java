package io.flowcluster.server.store;

/** What a request to drain a member, or to take it back, found. */
public enum DrainOutcome {
    CHANGED,
    NO_SUCH_MEMBER,
    /** Silent past the node timeout: its work has moved already, there is nothing to drain. */
    MEMBER_DEAD
}
