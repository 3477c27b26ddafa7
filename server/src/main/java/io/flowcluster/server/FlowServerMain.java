package io.flowcluster.server;

import io.flowcluster.server.embedded.SecretFile;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import io.flowcluster.server.local.InstallationLock;
import io.flowcluster.server.local.LocalCluster;
import io.flowcluster.server.node.ProcessProtection;
import io.quarkus.runtime.Application;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;

/**
 * Starts a node, or on a laptop a whole local cluster. With no datasource configured this is
 * local use: an embedded PostgreSQL on a persistent data directory, an API token generated
 * and kept there, and {@code flow.local.nodes} node processes (3 by default; 1 runs the node
 * in this process). In Kubernetes the operator configures the datasource and the token.
 */
@QuarkusMain
public final class FlowServerMain {

    static final String DATASOURCE_URL = "quarkus.datasource.jdbc.url";
    static final String API_TOKEN = "flow.api.token";
    static final String DATA_DIR = "flow.data-dir";
    static final String LOCAL_NODES = "flow.local.nodes";
    static final String LOCAL_BASE_PORT = "flow.local.base-port";
    static final String LOCAL_JVM_OPTIONS = "flow.local.jvm-options";
    static final String HTTP_PORT = "quarkus.http.port";
    static final String HIDDEN_PATHS = "flow.worker.hidden-paths";
    static final int DEFAULT_LOCAL_NODES = 3;
    static final int DEFAULT_BASE_PORT = 8080;
    /** The JVM a local cluster's nodes run in; the benchmarks run theirs the same way. */
    public static final String DEFAULT_JVM_OPTIONS = "-Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError";

    /** Held so that the level set on it stays: zonky's start-up chatter is not for users. */
    private static final java.util.logging.Logger EMBEDDED_PG_LOG = java.util.logging.Logger.getLogger("io.zonky");

    private FlowServerMain() {
    }

    public static void main(String... args) {
        String unprotected = ProcessProtection.apply();
        if (unprotected != null) {
            System.err.println("Warning: " + unprotected);
        }
        // system properties and environment only: that is how a deployment configures a node
        SmallRyeConfig env = new SmallRyeConfigBuilder().addDefaultSources().build();
        Path dataDir = env.getOptionalValue(DATA_DIR, String.class)
                .map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".flowcluster"));
        boolean local = env.getOptionalValue(DATASOURCE_URL, String.class).isEmpty();
        int nodes = env.getOptionalValue(LOCAL_NODES, Integer.class).orElse(DEFAULT_LOCAL_NODES);
        int basePort = env.getOptionalValue(LOCAL_BASE_PORT, Integer.class).orElse(DEFAULT_BASE_PORT);
        if (local) {
            String urls = nodes > 1 ? LocalCluster.urls(nodes, basePort)
                    : LocalCluster.urls(1, env.getOptionalValue(HTTP_PORT, Integer.class).orElse(DEFAULT_BASE_PORT));
            InstallationLock.take(dataDir, "pid " + ProcessHandle.current().pid() + ", " + urls).ifPresent(running -> {
                System.err.println("A local cluster is already running on " + dataDir + " (" + running + "); it is left alone.\n"
                        + "Stop it with Ctrl-C in its terminal, or run a second one beside it with its own "
                        + "FLOW_DATA_DIR and FLOW_LOCAL_BASE_PORT.");
                System.exit(1);
            });
        }
        if (local && nodes > 1) {
            EmbeddedDatabase db = startEmbedded(dataDir);
            String token = env.getOptionalValue(API_TOKEN, String.class)
                    .orElseGet(() -> SecretFile.loadOrCreate(LocalCluster.tokenFile(dataDir)));
            LocalCluster.run(db, token, dataDir, nodes, basePort,
                    env.getOptionalValue(LOCAL_JVM_OPTIONS, String.class).orElse(DEFAULT_JVM_OPTIONS));
            return;
        }
        if (local) {
            EmbeddedDatabase db = startEmbedded(dataDir);
            closeAfterTheNode(db);
            System.setProperty(DATASOURCE_URL, db.jdbcUrl());
            System.setProperty("quarkus.datasource.username", db.user());
            System.setProperty("quarkus.datasource.password", db.password());
            System.setProperty(HIDDEN_PATHS, LocalCluster.secrets(dataDir));
            System.out.println("Embedded PostgreSQL: " + db.jdbcUrl() + " (data in " + LocalCluster.databaseDir(dataDir) + ")");
        }
        if (env.getOptionalValue(API_TOKEN, String.class).isEmpty()) {
            Path tokenFile = LocalCluster.tokenFile(dataDir);
            System.setProperty(API_TOKEN, SecretFile.loadOrCreate(tokenFile));
            // where to find it, never the token itself: terminals are scrolled back, logged and shared
            System.out.println("API token kept in " + tokenFile + ": export TOKEN=$(cat " + tokenFile + ")");
        }
        Quarkus.run(args);
    }

    /**
     * The node's own shutdown (draining, handing steps back) still needs the database: it
     * stops only once the application has stopped, not beside it.
     */
    private static void closeAfterTheNode(EmbeddedDatabase db) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Application node = Application.currentApplication();
            if (node != null) {
                node.awaitShutdown();
            }
            db.close();
        }, "flow-embedded-database-stop"));
    }

    private static EmbeddedDatabase startEmbedded(Path dataDir) {
        EMBEDDED_PG_LOG.setLevel(java.util.logging.Level.WARNING);
        return EmbeddedDatabase.startSecured(LocalCluster.databaseDir(dataDir));
    }
}
