package io.flowcluster.server.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real PostgreSQL run by this process, with its data in a directory that outlives it.
 * After a kill -9 the old postmaster may still hold the directory; it is stopped first.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** The superuser, which tests and benchmarks use on their throw-away databases. */
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";
    /** The role the nodes of a local cluster connect as: it owns the schema, and is no superuser. */
    public static final String APP_ROLE = "flow";
    /** The first line of a pg_hba.conf that requires a password of every connection. */
    static final String PASSWORDS_REQUIRED = "# flowcluster: every connection needs its password";
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(15);

    private final EmbeddedPostgres postgres;
    private final String user;
    private final String password;

    private EmbeddedDatabase(EmbeddedPostgres postgres, String user, String password) {
        this.postgres = postgres;
        this.user = user;
        this.password = password;
    }

    /**
     * The database of a local installation: as {@link #start(Path)}, and every connection needs
     * a password (steps run on the same machine: trust on loopback would hand them the
     * superuser). The superuser's and the node role's passwords are generated once and kept,
     * owner-readable only, beside the data directory; a data directory of an earlier version,
     * open to all, is secured on its first start, its tables handed to the node role. The
     * caller stops it ({@link #close()}): no shutdown hook races its clients' last writes.
     */
    public static EmbeddedDatabase startSecured(Path dataDir) {
        String superuser = SecretFile.loadOrCreate(superuserPasswordFile(dataDir));
        String app = SecretFile.loadOrCreate(appPasswordFile(dataDir));
        boolean secured = passwordsRequired(dataDir);
        // the installation stops it after its nodes, which need it to drain
        EmbeddedPostgres.Builder builder = durable(dataDir, 0).setRegisterShutdownHook(false);
        if (secured) {
            builder.setConnectConfig("password", superuser);
        }
        EmbeddedDatabase db = start(builder, dataDir, APP_ROLE, app);
        if (!secured) {
            db.requirePasswords(dataDir, superuser, app);
        }
        return db;
    }

    /**
     * Starts PostgreSQL on {@code dataDir} as {@link #start(Path, int)} does, with statement
     * statistics: {@code pg_stat_statements} loaded, for benchmarks to tell what each statement costs.
     */
    public static EmbeddedDatabase startMeasuringStatements(Path dataDir) {
        return start(durable(dataDir, 0).setServerConfig("shared_preload_libraries", "pg_stat_statements"), dataDir, USER, "");
    }

    /**
     * The same on a given port (0: any free one), so that a restarted database is found where
     * it was; open to the superuser without a password, for tests and benchmarks.
     */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        return start(durable(dataDir, port), dataDir, USER, "");
    }

    private static EmbeddedPostgres.Builder durable(Path dataDir, int port) {
        EmbeddedPostgres.Builder builder = builder();
        if (port > 0) {
            builder.setPort(port);
        }
        return builder
                .setDataDirectory(dataDir.toFile())
                .setCleanDataDirectory(false)
                // zonky turns durability off for tests; data kept on a laptop needs it on
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
    }

    private static EmbeddedDatabase start(EmbeddedPostgres.Builder builder, Path dataDir, String user, String password) {
        try {
            Files.createDirectories(dataDir.getParent());
            stopOrphan(dataDir);
            return new EmbeddedDatabase(builder.start(), user, password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir
                    + (passwordsRequired(dataDir) ? " (it needs the superuser password kept in "
                    + superuserPasswordFile(dataDir) + ")" : ""), e);
        }
    }

    /** Where a secured database's passwords are kept, beside its data directory: the superuser's and the node role's. */
    public static List<Path> passwordFiles(Path dataDir) {
        return List.of(superuserPasswordFile(dataDir), appPasswordFile(dataDir));
    }

    private static Path superuserPasswordFile(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + "-superuser-password");
    }

    private static Path appPasswordFile(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + "-" + APP_ROLE + "-password");
    }

    static boolean passwordsRequired(Path dataDir) {
        try {
            Path hba = dataDir.resolve("pg_hba.conf");
            return Files.exists(hba) && Files.readString(hba).startsWith(PASSWORDS_REQUIRED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives the superuser a password, makes the node role own the schema, then requires passwords of every connection. */
    private void requirePasswords(Path dataDir, String superuser, String app) {
        try (Connection c = postgres.getDatabase(USER, DATABASE).getConnection(); Statement st = c.createStatement()) {
            // generated passwords are hex: safe to write into the statements as they are
            st.execute("alter role " + USER + " password '" + superuser + "'");
            st.execute("do $$ begin if not exists (select from pg_roles where rolname = '" + APP_ROLE + "') then create role "
                    + APP_ROLE + " login; end if; end $$");
            st.execute("alter role " + APP_ROLE + " login nosuperuser password '" + app + "'");
            st.execute("alter schema public owner to " + APP_ROLE);
            // tables (with their indexes and identity sequences) an earlier version created as the superuser
            st.execute("do $$ declare t record; begin for t in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                    + "where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') loop "
                    + "execute format('alter table public.%I owner to " + APP_ROLE + "', t.relname); end loop; end $$");
            Files.writeString(dataDir.resolve("pg_hba.conf"), PASSWORDS_REQUIRED + "\n"
                    + "local all all scram-sha-256\n"
                    + "host all all 127.0.0.1/32 scram-sha-256\n"
                    + "host all all ::1/128 scram-sha-256\n");
            st.execute("select pg_reload_conf()");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot secure the embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts a throw-away PostgreSQL whose data is deleted when it stops (tests, benchmarks),
     * with zonky's test settings: no fsync, no synchronous commit.
     */
    public static EmbeddedDatabase startTemporary() {
        try {
            return new EmbeddedDatabase(builder().start(), USER, "");
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
                // statistics of a young database follow its first burst of jobs (see migration V13)
                .setServerConfig("autovacuum_naptime", "1s");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    public int port() {
        return postgres.getPort();
    }

    /** The role to connect as. */
    public String user() {
        return user;
    }

    /** Its password: empty where none is needed. */
    public String password() {
        return password;
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
