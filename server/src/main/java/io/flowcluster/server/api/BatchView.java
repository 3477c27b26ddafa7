package io.flowcluster.server.api;

import java.util.List;
import java.util.UUID;

/** What a batch submission stored, in the order of the request: each job's id, and whether this request created it. */
public record BatchView(List<Entry> items) {

    /** {@code created} is false for a key seen before with the same job: that job's id. */
    public record Entry(UUID id, boolean created) {
    }
}
