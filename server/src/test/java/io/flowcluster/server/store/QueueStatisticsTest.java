package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * The planner's statistics follow a burst of jobs within seconds (the embedded database's
 * autovacuum cadence): stale ones made it scan whole tables per statement, so every step cost
 * more the longer the backlog. They are kept at a queue's price (migration V13): only for the
 * columns rows are found by.
 */
class QueueStatisticsTest extends Stores {

    private static final int TABLE = 10_000;
    /** Over PostgreSQL's default threshold: 50 rows and a tenth of the table. */
    private static final int BURST = 1_500;

    @Test
    void aBurstThatGrowsTheTableByMoreThanATenthIsAnalysedWithinSeconds() {
        jdbi.useHandle(h -> insertJobs(h, TABLE));
        awaitAnalysed("the table analysed after it was filled", Instant.EPOCH);
        Instant burst = jdbi.withHandle(h -> {
            Instant start = h.createQuery("select now()").mapTo(Instant.class).one();
            insertJobs(h, BURST);
            return start;
        });
        awaitAnalysed("job and step analysed after the burst", burst);
        assertThat(statisticsOf("job")).as("what jobs are found by").contains("state", "seq", "owner_node")
                .doesNotContain("labels", "parameters", "name");
        assertThat(statisticsOf("step")).as("what steps are found by").contains("state", "job_id", "job_priority")
                .doesNotContain("spec", "depends_on", "message");
    }

    /** The columns of {@code table} that the last ANALYZE kept statistics for. */
    private static List<String> statisticsOf(String table) {
        return jdbi.withHandle(h -> h.createQuery("select attname from pg_stats where schemaname = 'public' and tablename = :table")
                .bind("table", table).mapTo(String.class).list());
    }

    /** Until autovacuum analysed job and step after {@code since}, with nothing changed since. */
    private static void awaitAnalysed(String what, Instant since) {
        await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> jdbi.withHandle(h -> h.createQuery("""
                                select count(*) from pg_stat_user_tables
                                where relname in ('job', 'step') and last_autoanalyze > :since and n_mod_since_analyze = 0""")
                        .bind("since", since).mapTo(Integer.class).one()) == 2);
    }

    private static void insertJobs(Handle h, int count) {
        h.createUpdate("""
                        with jobs as (
                            insert into job (id, name, priority, labels, parameters, state)
                            select gen_random_uuid(), 'burst', 0, '{}', '{}', 'PENDING' from generate_series(1, :count)
                            returning id, seq)
                        insert into step (job_id, idx, name, kind, spec, depends_on, job_priority, job_seq, state)
                        select id, 0, 's', 'noop', '{"name": "s", "kind": "noop"}', '{}', 0, seq, 'READY' from jobs""")
                .bind("count", count).execute();
    }
}
