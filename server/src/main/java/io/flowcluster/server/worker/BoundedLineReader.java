package io.flowcluster.server.worker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a process's output into lines in constant memory: a line longer than
 * {@code maxLineBytes} keeps its head, the rest is read, counted and dropped, so a single
 * line of any length costs no more than its first {@code maxLineBytes} bytes.
 */
final class BoundedLineReader {

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[8192];
    private final ByteArrayOutputStream line;
    private int position;
    private int limit;

    BoundedLineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.line = new ByteArrayOutputStream(Math.min(maxLineBytes, 1024));
    }

    /** The next line without its line break (a cut one says how much was cut), or null at the end. */
    String next() throws IOException {
        line.reset();
        long cut = 0;
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = Math.max(0, in.read(buffer));
                position = 0;
                if (limit == 0) {
                    return any ? finish(cut) : null;
                }
            }
            any = true;
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int keep = Math.min(end - position, maxLineBytes - line.size());
            line.write(buffer, position, keep);
            cut += end - position - keep;
            if (end < limit) {
                position = end + 1;
                return finish(cut);
            }
            position = limit;
        }
    }

    private String finish(long cut) {
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        return cut == 0 ? text : text + " [line cut: " + cut + " more bytes]";
    }
}
