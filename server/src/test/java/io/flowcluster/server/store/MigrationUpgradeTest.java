package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcluster.server.embedded.EmbeddedDatabase;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

/**
 * A database that a release before migrations V14 to V16 filled upgrades in place: every job,
 * step and attempt is kept, an idempotency key still refuses its second job, and the
 * attempts are keyed by step and number.
 */
class MigrationUpgradeTest {

    @Test
    void aFilledDatabaseOfV13UpgradesKeepingEveryRowAndWhatItsKeysPromise() {
        try (EmbeddedDatabase db = EmbeddedDatabase.startTemporary()) {
            Flyway.configure().dataSource(db.jdbcUrl(), EmbeddedDatabase.USER, "").target("13").load().migrate();
            Jdbi jdbi = Jdbi.create(db.jdbcUrl(), EmbeddedDatabase.USER, "");
            jdbi.useHandle(h -> h.execute("""
                    with jobs as (
                        insert into job (id, name, priority, labels, parameters, state, idempotency_key, owner_node)
                        values (gen_random_uuid(), 'keyed', 0, '{"team": "data"}', '{}', 'SUCCEEDED', 'k1', 'n'),
                               (gen_random_uuid(), 'plain', 0, '{}', '{}', 'RUNNING', null, 'n'),
                               (gen_random_uuid(), 'waiting', 0, '{}', '{}', 'PENDING', null, null)
                        returning id, seq),
                    steps as (
                        insert into step (job_id, idx, name, kind, spec, depends_on, job_priority, job_seq, state, attempt)
                        select id, 0, 's', 'noop', '{}', '{}', 0, seq, 'SUCCEEDED', 2 from jobs returning job_id)
                    insert into step_attempt (job_id, idx, attempt, node, outcome)
                    select job_id, 0, a, 'n', case a when 1 then 'LOST' else 'SUCCEEDED' end
                    from steps, generate_series(1, 2) as a"""));

            Flyway.configure().dataSource(db.jdbcUrl(), EmbeddedDatabase.USER, "").load().migrate();

            assertThat(count(jdbi, "select count(*) from job")).isEqualTo(3);
            assertThat(count(jdbi, "select count(*) from step")).isEqualTo(3);
            assertThat(count(jdbi, "select count(*) from step_attempt where outcome = 'LOST'")).isEqualTo(3);
            assertThat(count(jdbi, "select count(*) from job where labels @> '{\"team\": \"data\"}' and labels <> '{}'::jsonb"))
                    .isEqualTo(1);
            assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute("""
                    insert into job (id, name, priority, labels, parameters, state, idempotency_key)
                    values (gen_random_uuid(), 'again', 0, '{}', '{}', 'PENDING', 'k1')""")))
                    .isInstanceOf(UnableToExecuteStatementException.class).hasMessageContaining("job_idempotency_key");
            assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute("""
                    insert into step_attempt (job_id, idx, attempt, node, outcome)
                    select job_id, idx, attempt, node, outcome from step_attempt limit 1""")))
                    .isInstanceOf(UnableToExecuteStatementException.class).hasMessageContaining("step_attempt_pkey");
        }
    }

    private static long count(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
