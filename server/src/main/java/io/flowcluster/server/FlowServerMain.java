package io.flowcluster.server;

import io.flowcluster.server.embedded.ApiTokenFile;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;

/**
 * Starts a node. What must exist before Quarkus starts is prepared here: with no datasource
 * configured, an embedded PostgreSQL on a persistent data directory; with no API token, one
 * generated and kept in that directory (local use only: in Kubernetes the operator sets both).
 */
@QuarkusMain
public final class FlowServerMain {

    static final String DATASOURCE_URL = "quarkus.datasource.jdbc.url";
    static final String API_TOKEN = "flow.api.token";
    static final String DATA_DIR = "flow.data-dir";

    /** Held so that the level set on it stays: zonky's start-up chatter is not for users. */
    private static final java.util.logging.Logger EMBEDDED_PG_LOG = java.util.logging.Logger.getLogger("io.zonky");

    private FlowServerMain() {
    }

    public static void main(String... args) {
        // system properties and environment only: that is how a deployment configures a node
        SmallRyeConfig env = new SmallRyeConfigBuilder().addDefaultSources().build();
        Path dataDir = env.getOptionalValue(DATA_DIR, String.class)
                .map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".flowcluster"));
        if (env.getOptionalValue(DATASOURCE_URL, String.class).isEmpty()) {
            EMBEDDED_PG_LOG.setLevel(java.util.logging.Level.WARNING);
            EmbeddedDatabase db = EmbeddedDatabase.start(dataDir.resolve("postgres"));
            System.setProperty(DATASOURCE_URL, db.jdbcUrl());
            System.setProperty("quarkus.datasource.username", EmbeddedDatabase.USER);
            System.out.println("Embedded PostgreSQL: " + db.jdbcUrl() + " (data in " + dataDir.resolve("postgres") + ")");
        }
        if (env.getOptionalValue(API_TOKEN, String.class).isEmpty()) {
            Path tokenFile = dataDir.resolve("api-token");
            System.setProperty(API_TOKEN, ApiTokenFile.loadOrCreate(tokenFile));
            // printed for the person at the terminal, as asked for local use; never logged
            System.out.println("API token: " + System.getProperty(API_TOKEN) + " (kept in " + tokenFile + ")");
        }
        Quarkus.run(args);
    }
}
