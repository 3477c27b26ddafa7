package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.server.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The server's pool plans every prepared statement generically; the job list alone asks for
 * PostgreSQL's own choice, for its transaction only.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class GenericPlansTest {

    private static final String WITH_AN_ARRAY = "select count(*) from step where state = 'READY' and kind <> all(:kinds)";

    @Inject
    Jdbi jdbi;

    @Test
    void aPooledConnectionPlansAStatementOnceNeverPerExecution() {
        try (Handle h = jdbi.open()) {
            assertThat(setting(h, "plan_cache_mode")).isEqualTo("force_generic_plan");
            assertThat(setting(h, "idle_in_transaction_session_timeout")).as("the pool's other setting").isEqualTo("5s");
            for (int i = 0; i < 10; i++) { // the driver prepares it on the server from the fifth execution on
                h.createQuery(WITH_AN_ARRAY).bind("kinds", new String[] {"wait", "fanout"}).mapTo(Long.class).one();
            }
            List<Long> customPlans = h.createQuery("select custom_plans from pg_prepared_statements where statement = :text")
                    .bind("text", WITH_AN_ARRAY.replace(":kinds", "$1")).mapTo(Long.class).list();
            assertThat(customPlans).as("left to itself PostgreSQL plans its first five executions each anew").containsExactly(0L);
        }
    }

    @Test
    void theJobListChoosesItsPlansPerExecutionForItsTransactionOnly() {
        try (Handle h = jdbi.open()) {
            String during = GenericPlans.choosingPerExecution(h, tx -> setting(tx, "plan_cache_mode"));
            assertThat(during).isEqualTo("auto");
            assertThat(setting(h, "plan_cache_mode")).as("after the commit, on the same connection").isEqualTo("force_generic_plan");
        }
    }

    private static String setting(Handle h, String name) {
        return h.createQuery("select current_setting(:name)").bind("name", name).mapTo(String.class).one();
    }
}
