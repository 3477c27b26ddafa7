package io.flowcluster.server.job;

public enum JobState {
    PENDING, RUNNING, SUCCEEDED, FAILED, ABORTED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == ABORTED;
    }
}
