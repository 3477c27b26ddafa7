package io.flowcluster.server;

import io.flowcluster.server.embedded.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A real, throw-away PostgreSQL for the tests. */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedDatabase db;

    @Override
    public Map<String, String> start() {
        db = EmbeddedDatabase.startTemporary();
        return Map.of("quarkus.datasource.jdbc.url", db.jdbcUrl(),
                "quarkus.datasource.username", EmbeddedDatabase.USER);
    }

    @Override
    public void stop() {
        if (db != null) {
            db.close();
        }
    }
}
