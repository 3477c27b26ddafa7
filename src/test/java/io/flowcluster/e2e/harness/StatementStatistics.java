package io.flowcluster.e2e.harness;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What PostgreSQL's statements cost over a benchmark's round, from {@code pg_stat_statements}
 * (a database of {@link TestCluster#startDurable}): where the database's time goes, by statement,
 * per task. Execution time only, by the clock (on a busy machine it includes waiting for a
 * core and for locks): planning, parsing, commits and the round trips around the statements
 * are not in it.
 */
public final class StatementStatistics {

    private static final int SHOWN = 10;

    private StatementStatistics() {
    }

    /** Forgets what was counted: the round starts now. */
    public static void reset(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("create extension if not exists pg_stat_statements");
            st.execute("select pg_stat_statements_reset()");
        }
    }

    /** Prints the statements that took the most time since {@link #reset}, per task of the round. */
    public static void print(Connection c, String title, int tasks) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                select regexp_replace(left(query, 300), '\\s+', ' ', 'g') as statement, calls, rows, total_exec_time, wal_bytes
                from pg_stat_statements where query not like '%pg_stat_statements%'
                order by total_exec_time desc limit""" + " " + SHOWN)) {
            while (rs.next()) {
                String statement = rs.getString("statement").strip();
                rows.add(List.of("`" + (statement.length() > 90 ? statement.substring(0, 90) + " ..." : statement).replace("|", "/") + "`",
                        rs.getLong("calls"), (double) rs.getLong("rows") / tasks, rs.getDouble("total_exec_time") * 1000 / tasks,
                        rs.getLong("wal_bytes") / tasks));
            }
        }
        BenchmarkReport.table(title, List.of("statement", "calls", "rows per task", "execution us per task (clock)", "WAL bytes per task"), rows);
    }
}
