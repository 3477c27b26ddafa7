package io.flowcluster.server.worker;

import io.flowcluster.server.store.PendingLogLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The output of one step attempt, numbered in the order it arrived, kept up to a byte limit;
 * past it one marker line says how much was dropped. Lines wait here until drained.
 */
public final class StepOutput {

    private final UUID jobId;
    private final int index;
    private final int attempt;
    private final long maxBytes;
    private final List<PendingLogLine> pending = new ArrayList<>();
    private long bytes;
    private long droppedBytes;
    private int nextLineNo = 1;
    private boolean truncationMarked;

    public StepOutput(UUID jobId, int index, int attempt, long maxBytes) {
        this.jobId = jobId;
        this.index = index;
        this.attempt = attempt;
        this.maxBytes = maxBytes;
    }

    public synchronized void append(String stream, String line) {
        int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
        if (bytes + size > maxBytes) {
            droppedBytes += size;
            if (!truncationMarked) {
                truncationMarked = true;
                add("system", "[output truncated: more than " + maxBytes + " bytes]");
            }
            return;
        }
        bytes += size;
        add(stream, line);
    }

    /** A line from the server itself about this attempt (why it was killed, ...). */
    public synchronized void system(String line) {
        add("system", line);
    }

    public synchronized List<PendingLogLine> drain() {
        List<PendingLogLine> lines = new ArrayList<>(pending);
        pending.clear();
        return lines;
    }

    public synchronized long droppedBytes() {
        return droppedBytes;
    }

    private void add(String stream, String line) {
        pending.add(new PendingLogLine(jobId, index, attempt, nextLineNo++, stream, Instant.now(),
                line.replace('\0', '\uFFFD')));
    }
}
