package io.flowcluster.e2e.harness;

import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/** A PostgreSQL that can be stopped and started again on the same port and data, as in an outage. */
public final class RestartableDatabase implements AutoCloseable {

    private final Path data;
    private final int port;
    private EmbeddedDatabase db;

    public RestartableDatabase(Path data) throws IOException {
        this.data = data;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        this.db = EmbeddedDatabase.start(data, port);
    }

    public String jdbcUrl() {
        return db.jdbcUrl();
    }

    public void stop() {
        db.close();
    }

    public void start() {
        db = EmbeddedDatabase.start(data, port);
    }

    @Override
    public void close() {
        db.close();
    }
}
