package io.flowcluster.server.worker;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Processes on this machine, as /proc lists them. */
final class Processes {

    private Processes() {
    }

    /** Whether a process runs whose command line is exactly {@code commandLine} (arguments joined by spaces). */
    static boolean running(String commandLine) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                try {
                    String cmdline = new String(Files.readAllBytes(entry.resolve("cmdline"))).replace('\0', ' ').trim();
                    if (cmdline.equals(commandLine)) {
                        return true;
                    }
                } catch (IOException e) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return false;
    }
}
