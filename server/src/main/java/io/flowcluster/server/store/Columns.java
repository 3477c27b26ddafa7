package io.flowcluster.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** Reading column values every store reads the same way. */
final class Columns {

    private Columns() {
    }

    /** A {@code timestamptz} column, null when the column is. */
    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
