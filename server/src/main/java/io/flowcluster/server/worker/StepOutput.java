package io.flowcluster.server.worker;

import io.flowcluster.server.store.OutputChunk;
import io.flowcluster.server.store.PendingLogLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The output of one step attempt, numbered in the order it arrived, of which the last bytes
 * and lines up to the limits are kept: the end of a log says why a step failed. Once older
 * lines are cut, a marker in place of the first line (line 0) says how much; lines cut before
 * they were written are never written, those written already are deleted with the next flush.
 * What waits here is bounded by the limits, however much a step prints.
 */
public final class StepOutput {

    private static final int MARKER_LINE = 0;

    private final UUID jobId;
    private final int index;
    private final int attempt;
    private final OutputLimits limits;
    /** Lines not yet written, by number: a cut removes one of them in constant time. */
    private final Map<Integer, PendingLogLine> pending = new LinkedHashMap<>();
    /** The kept lines of the step's own output (not the server's lines), oldest first. */
    private final ArrayDeque<KeptLine> window = new ArrayDeque<>();
    private long bytes;
    private long cutBytes;
    private long cutLines;
    /** The last written line that was cut since the last drain, 0 for none. */
    private int cutThrough;
    private boolean cutChanged;
    private int nextLineNo = 1;

    private record KeptLine(int lineNo, int size) {
    }

    public StepOutput(UUID jobId, int index, int attempt, OutputLimits limits) {
        this.jobId = jobId;
        this.index = index;
        this.attempt = attempt;
        this.limits = limits;
    }

    public synchronized void append(String stream, String line) {
        int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
        if (size > limits.bytes()) {
            cut(size);
            return;
        }
        while (!window.isEmpty() && (bytes + size > limits.bytes() || window.size() >= limits.lines())) {
            KeptLine oldest = window.removeFirst();
            bytes -= oldest.size();
            if (pending.remove(oldest.lineNo()) == null) {
                cutThrough = oldest.lineNo();
            }
            cut(oldest.size());
        }
        bytes += size;
        window.addLast(new KeptLine(nextLineNo, size));
        add(stream, line);
    }

    /** A line from the server itself about this attempt (why it was killed, ...): never cut. */
    public synchronized void system(String line) {
        add("system", line);
    }

    /** What to write now: the lines that waited, the marker if the cut grew, and which written lines to delete. */
    public synchronized OutputChunk drain() {
        var lines = new ArrayList<PendingLogLine>(pending.size() + 1);
        if (cutChanged) {
            lines.add(line(MARKER_LINE, "system", "[output cut: " + cutLines + " lines (" + cutBytes
                    + " bytes) dropped; the log keeps the last " + limits.bytes() + " bytes or " + limits.lines()
                    + " lines of each attempt]"));
        }
        lines.addAll(pending.values());
        pending.clear();
        OutputChunk chunk = new OutputChunk(jobId, index, attempt, lines, cutThrough);
        cutThrough = 0;
        cutChanged = false;
        return chunk;
    }

    public synchronized long cutBytes() {
        return cutBytes;
    }

    private void cut(int size) {
        cutBytes += size;
        cutLines++;
        cutChanged = true;
    }

    private void add(String stream, String line) {
        int lineNo = nextLineNo++;
        pending.put(lineNo, line(lineNo, stream, line));
    }

    private PendingLogLine line(int lineNo, String stream, String line) {
        return new PendingLogLine(jobId, index, attempt, lineNo, stream, Instant.now(), line.replace('\0', '\uFFFD'));
    }
}
