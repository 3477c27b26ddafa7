package io.flowcluster.server;

import io.flowcluster.server.embedded.EmbeddedDatabase;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/** A throw-away PostgreSQL with the server's schema, for tests that play the nodes themselves. */
public final class TestDatabase implements AutoCloseable {

    private final EmbeddedDatabase db = EmbeddedDatabase.startTemporary();
    private final Jdbi jdbi;

    public TestDatabase() {
        Flyway.configure().dataSource(db.jdbcUrl(), EmbeddedDatabase.USER, "").load().migrate();
        jdbi = Jdbi.create(db.jdbcUrl(), EmbeddedDatabase.USER, "").installPlugin(new PostgresPlugin());
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public String jdbcUrl() {
        return db.jdbcUrl();
    }

    @Override
    public void close() {
        db.close();
    }
}
