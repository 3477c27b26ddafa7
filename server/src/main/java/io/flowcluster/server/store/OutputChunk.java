package io.flowcluster.server.store;

import java.util.List;
import java.util.UUID;

/**
 * Output of one step attempt to write: new lines (the cut marker among them, as line 0, which
 * replaces the one written before), and the highest line number already written that is to be
 * deleted because the log keeps only its tail (0 for none); the server's own lines stay.
 */
public record OutputChunk(UUID jobId, int index, int attempt, List<PendingLogLine> lines, int cutThrough) {

    public boolean isEmpty() {
        return lines.isEmpty() && cutThrough == 0;
    }
}
