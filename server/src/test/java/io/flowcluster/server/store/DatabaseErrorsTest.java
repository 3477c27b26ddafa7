package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** What counts as "the database cannot be reached" (503 from the API, a retried step end), on the pool the server uses. */
class DatabaseErrorsTest {

    @Test
    void aPoolThatCannotHandOutAConnectionInTimeIsUnavailability() throws SQLException {
        try (EmbeddedDatabase db = EmbeddedDatabase.startTemporary();
             AgroalDataSource pool = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                     .connectionPoolConfiguration(p -> p.maxSize(1).acquisitionTimeout(Duration.ofMillis(200))
                             .connectionFactoryConfiguration(f -> f.jdbcUrl(db.jdbcUrl())
                                     .principal(new NamePrincipal(EmbeddedDatabase.USER)))));
             Connection held = pool.getConnection()) {
            Throwable failure = catchThrowable(() -> Jdbi.create(pool).withHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one()));
            assertThat(failure).isNotNull();
            assertThat(DatabaseErrors.unreachable(failure)).as("%s", failure).isTrue();
            assertThat(held.isValid(1)).isTrue();
        }
    }

    @Test
    void aQueryTheDatabaseRefusesIsNot() {
        try (EmbeddedDatabase db = EmbeddedDatabase.startTemporary()) {
            Throwable failure = catchThrowable(() -> Jdbi.create(db.jdbcUrl(), EmbeddedDatabase.USER, "")
                    .withHandle(h -> h.createQuery("select 1/0").mapTo(Integer.class).one()));
            assertThat(DatabaseErrors.unreachable(failure)).isFalse();
        }
    }
}
