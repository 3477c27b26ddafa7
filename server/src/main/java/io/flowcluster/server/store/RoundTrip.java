package io.flowcluster.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Statements sent to PostgreSQL as one query and answered together: one round trip instead of
 * one each. They run in order, in the caller's transaction or else in one implicit transaction
 * of their own. On the step's path a round trip is a sleep and a wake-up of a PostgreSQL
 * process and of the caller: a profile put PostgreSQL's waits for the next message and its
 * sends at a fifth of its CPU.
 */
final class RoundTrip {

    /** Reads the statements' answers, in order: each {@link Answers#next} is the next statement's rows. */
    @FunctionalInterface
    interface Reader<R> {
        R read(Answers answers) throws SQLException;
    }

    /** The answers of the statements sent together, one after the other. */
    static final class Answers {

        private final PreparedStatement statement;
        private final StatementContext ctx;
        private boolean started;

        private Answers(PreparedStatement statement, StatementContext ctx) {
            this.statement = statement;
            this.ctx = ctx;
        }

        /** The next statement's rows (the one before's are closed). */
        ResultSet next() throws SQLException {
            if (started && !statement.getMoreResults()) {
                throw new IllegalStateException("fewer answers than statements sent");
            }
            started = true;
            ResultSet rows = statement.getResultSet();
            if (rows == null) {
                throw new IllegalStateException("a statement sent together answered no rows");
            }
            return rows;
        }

        /** The next statement's rows, mapped. */
        <T> List<T> list(RowMapper<T> mapper) throws SQLException {
            List<T> list = new ArrayList<>();
            try (ResultSet rows = next()) {
                while (rows.next()) {
                    list.add(mapper.map(rows, ctx));
                }
            }
            return list;
        }
    }

    private RoundTrip() {
    }

    /** Sends {@code statements} (several, separated by semicolons, their parameters bound) and reads their answers. */
    static <R> R send(Query statements, Reader<R> reader) {
        return statements.execute((statement, ctx) -> {
            try {
                return reader.read(new Answers(statement.get(), ctx));
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException(e, ctx);
            }
        });
    }
}
