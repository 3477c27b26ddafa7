package io.flowcluster.server.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A laptop's database is open to no one without a password: a step on the same machine
 * cannot connect as the superuser, and the nodes connect as a role that is none.
 */
class EmbeddedDatabaseTest {

    @Test
    void everyConnectionNeedsItsPasswordAndTheNodesAreNoSuperuser(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        try (EmbeddedDatabase db = EmbeddedDatabase.startSecured(data)) {
            assertThat(db.user()).isEqualTo(EmbeddedDatabase.APP_ROLE);
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement st = c.createStatement()) {
                assertThat(value(st, "select rolsuper from pg_roles where rolname = current_user")).isEqualTo("f");
                st.execute("create table t (x int)");
                st.execute("insert into t values (1)");
            }
            assertRefused(db.jdbcUrl(), EmbeddedDatabase.USER, "");
            assertRefused(db.jdbcUrl(), EmbeddedDatabase.APP_ROLE, "");
            assertRefused(db.jdbcUrl(), EmbeddedDatabase.USER, "guess");
        }
        assertThat(Files.getPosixFilePermissions(dir.resolve("postgres-superuser-password")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (EmbeddedDatabase again = EmbeddedDatabase.startSecured(data);
             Connection c = DriverManager.getConnection(again.jdbcUrl(), again.user(), again.password());
             Statement st = c.createStatement()) {
            assertThat(value(st, "select count(*) from t")).as("a restart keeps data and passwords").isEqualTo("1");
            assertRefused(again.jdbcUrl(), EmbeddedDatabase.USER, "");
        }
    }

    @Test
    void aDataDirectoryOfAnEarlierVersionIsSecuredAndHandedToTheNodeRole(@TempDir Path dir) throws SQLException {
        Path data = dir.resolve("postgres");
        try (EmbeddedDatabase open = EmbeddedDatabase.start(data, 0);
             Connection c = DriverManager.getConnection(open.jdbcUrl(), EmbeddedDatabase.USER, "");
             Statement st = c.createStatement()) {
            st.execute("create table job (id bigint generated always as identity primary key, name text)");
            st.execute("insert into job (name) values ('old')");
        }
        try (EmbeddedDatabase db = EmbeddedDatabase.startSecured(data);
             Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement st = c.createStatement()) {
            st.execute("insert into job (name) values ('new')");
            st.execute("alter table job add column extra text"); // as its owner, as a migration would
            assertThat(value(st, "select count(*) from job")).isEqualTo("2");
            assertRefused(db.jdbcUrl(), EmbeddedDatabase.USER, "");
        }
    }

    private static void assertRefused(String url, String user, String password) {
        assertThatThrownBy(() -> DriverManager.getConnection(url, user, password).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password");
    }

    private static String value(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
