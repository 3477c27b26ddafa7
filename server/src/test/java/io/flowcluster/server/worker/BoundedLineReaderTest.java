package io.flowcluster.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {

    @Test
    void splitsLinesLikeReadLine() throws IOException {
        assertThat(lines("a\nb\r\n\nlast", 100)).containsExactly("a", "b", "", "last");
        assertThat(lines("", 100)).isEmpty();
        assertThat(lines("x\n", 100)).containsExactly("x");
    }

    @Test
    void cutsALongLineAndSaysHowMuchWasCut() throws IOException {
        assertThat(lines("0123456789\nok\n", 4)).containsExactly("0123 [line cut: 6 more bytes]", "ok");
    }

    @Test
    void aLineOfAnyLengthCostsOnlyItsHead() throws IOException {
        long length = 300L << 20; // 300 MiB in one line, never held anywhere
        InputStream endless = new InputStream() {
            private long left = length;

            @Override
            public int read() {
                return left-- > 0 ? 'y' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'y');
                left -= n;
                return n;
            }
        };
        BoundedLineReader reader = new BoundedLineReader(endless, 16);
        assertThat(reader.next()).isEqualTo("y".repeat(16) + " [line cut: " + (length - 16) + " more bytes]");
        assertThat(reader.next()).isNull();
    }

    private static List<String> lines(String text, int max) throws IOException {
        BoundedLineReader reader = new BoundedLineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
        List<String> lines = new ArrayList<>();
        for (String l = reader.next(); l != null; l = reader.next()) {
            lines.add(l);
        }
        return lines;
    }
}
