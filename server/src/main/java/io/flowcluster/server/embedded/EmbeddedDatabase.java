package io.flowcluster.server.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real PostgreSQL run by this process, with its data in a directory that outlives it.
 * After a kill -9 the old postmaster may still hold the directory; it is stopped first.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(15);

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts PostgreSQL on {@code dataDir}, creating the cluster there the first time. */
    public static EmbeddedDatabase start(Path dataDir) {
        return start(dataDir, 0);
    }

    /** The same on a given port (0: any free one), so that a restarted database is found where it was. */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir.getParent());
            stopOrphan(dataDir);
            EmbeddedPostgres.Builder builder = builder();
            if (port > 0) {
                builder.setPort(port);
            }
            return new EmbeddedDatabase(builder
                    .setDataDirectory(dataDir.toFile())
                    .setCleanDataDirectory(false)
                    // zonky turns durability off for tests; data kept on a laptop needs it on
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    /**
     * Starts a throw-away PostgreSQL whose data is deleted when it stops (tests, benchmarks),
     * with zonky's test settings: no fsync, no synchronous commit.
     */
    public static EmbeddedDatabase startTemporary() {
        try {
            return new EmbeddedDatabase(builder().start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a temporary embedded PostgreSQL", e);
        }
    }

    private static EmbeddedPostgres.Builder builder() {
        return EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(60))
                // the pool and the notification listener of every node share it
                .setServerConfig("max_connections", "300")
                // the autovacuum launcher looks every second instead of every minute, so that the
                // statistics of a young database follow its first burst of jobs (see migration V6)
                .setServerConfig("autovacuum_naptime", "1s");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A postmaster left running by a process that was killed would block the start. */
    static void stopOrphan(Path dataDir) throws IOException {
        Optional<ProcessHandle> orphan = postmasterOf(dataDir);
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = orphan.get();
        System.err.println("Stopping PostgreSQL (pid " + postmaster.pid() + ") left running on " + dataDir);
        postmaster.destroy(); // SIGTERM: a smart shutdown; its clients died with their process
        try {
            postmaster.onExit().get(ORPHAN_STOP_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            postmaster.destroyForcibly();
        }
    }

    static Optional<ProcessHandle> postmasterOf(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
