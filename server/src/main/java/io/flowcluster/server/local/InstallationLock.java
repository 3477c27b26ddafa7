package io.flowcluster.server.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One running local installation per data directory. The process that runs it holds an
 * exclusive lock on a file there; the operating system releases it when that process ends,
 * however it ends, so a lock is never left behind by a kill -9 and a database found running
 * without a lock holder is truly an orphan. The file says who holds it, for the one refused.
 */
public final class InstallationLock {

    private static final String FILE = "running.lock";

    /** Held for the life of the process: the lock goes with the channel. */
    private static FileChannel held;

    private InstallationLock() {
    }

    /**
     * Takes the lock of {@code dataDir} for this process and writes {@code holder} (how to
     * find it) into the file. If another process holds it, nothing is taken and the answer is
     * what that holder wrote.
     */
    public static synchronized Optional<String> take(Path dataDir, String holder) {
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String running = Files.readString(file, StandardCharsets.UTF_8).trim();
                channel.close();
                return Optional.of(running.isEmpty() ? "a process that is still starting" : running);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            held = channel;
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }
}
