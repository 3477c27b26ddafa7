package io.flowcluster.server.worker;

import io.flowcluster.server.store.PendingLogLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The output of one step attempt, numbered in the order it arrived, kept up to a limit of
 * bytes and of lines; past it one marker line says so, and {@link #finish()} how much was
 * dropped. Lines wait here until drained, so what it holds is bounded by the limits.
 */
public final class StepOutput {

    private final UUID jobId;
    private final int index;
    private final int attempt;
    private final OutputLimits limits;
    private final List<PendingLogLine> pending = new ArrayList<>();
    private long bytes;
    private int lines;
    private long droppedBytes;
    private long droppedLines;
    private int nextLineNo = 1;
    private boolean truncationMarked;

    public StepOutput(UUID jobId, int index, int attempt, OutputLimits limits) {
        this.jobId = jobId;
        this.index = index;
        this.attempt = attempt;
        this.limits = limits;
    }

    public synchronized void append(String stream, String line) {
        int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
        if (truncationMarked || bytes + size > limits.bytes() || lines >= limits.lines()) {
            droppedBytes += size;
            droppedLines++;
            if (!truncationMarked) {
                truncationMarked = true;
                add("system", "[output truncated: more than " + limits.bytes() + " bytes or " + limits.lines()
                        + " lines; the rest of this attempt's output is dropped]");
            }
            return;
        }
        bytes += size;
        lines++;
        add(stream, line);
    }

    /** Says how much was dropped, once the attempt's output has ended. */
    public synchronized void finish() {
        if (droppedLines > 0) {
            add("system", "[" + droppedLines + " lines (" + droppedBytes + " bytes) of output were dropped]");
        }
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
