package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Generic plans hold for the step path's transaction only: the pooled connection goes back to
 * the API's queries (job lists filtered by state or label) with PostgreSQL's own choice.
 */
class GenericPlansTest extends Stores {

    @Test
    void onlyForTheTransaction() {
        try (Handle h = jdbi.open()) {
            h.useTransaction(tx -> {
                GenericPlans.use(tx);
                assertThat(planCacheMode(tx)).isEqualTo("force_generic_plan");
            });
            assertThat(planCacheMode(h)).as("after the commit, on the same connection").isEqualTo("auto");
        }
    }

    @Test
    void withTheFencedJobLocksInOneStatementLikewiseOnlyForTheTransaction() {
        UUID job = submit("locked");
        long epoch = cluster.holdLease("sched", Duration.ofSeconds(30)).orElseThrow();
        try (Handle h = jdbi.open()) {
            h.useTransaction(tx -> {
                JobLocks.lockAllFencedWithGenericPlans(tx, List.of(job), "sched", epoch);
                assertThat(planCacheMode(tx)).isEqualTo("force_generic_plan");
                try (Handle other = jdbi.open()) {
                    assertThat(other.createQuery("select id from job where id = :id for update skip locked")
                            .bind("id", job).mapTo(UUID.class).list()).as("the job's row is locked").isEmpty();
                }
            });
            assertThat(planCacheMode(h)).as("after the commit, on the same connection").isEqualTo("auto");
        }
    }

    private static String planCacheMode(Handle h) {
        return h.createQuery("select current_setting('plan_cache_mode')").mapTo(String.class).one();
    }
}
