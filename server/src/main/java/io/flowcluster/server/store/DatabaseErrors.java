package io.flowcluster.server.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;

/** Tells a database that cannot be reached from other failures. */
public final class DatabaseErrors {

    private DatabaseErrors() {
    }

    /**
     * No connection could be had (the pool gave none in time: Jdbi's ConnectionException), or
     * it broke (SQL state class 08).
     */
    public static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectionException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
