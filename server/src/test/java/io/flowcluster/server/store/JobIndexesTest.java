package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobSpec;
import io.flowcluster.server.job.StepSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Each write of a job's, a step's or an attempt's row costs an entry in every index it is in,
 * and a one-step job writes them six times: a job is in the idempotency keys', the labels' and
 * the owners' indexes only when it has a key, labels or an owner (migration V14), an attempt
 * row has no index but its key (V15), and a step's name is unique by validation (V16). Keys
 * still deduplicate (SubmissionStoreTest), and a label filter is still served by its index.
 */
class JobIndexesTest extends Stores {

    @Test
    void theHotTablesHaveOnlyTheIndexesTheirReadsNeedAndPartialOnesHoldOnlyRowsThatHaveTheKey() {
        Map<String, String> job = indexes("job");
        assertThat(job).containsOnlyKeys("job_pkey", "job_seq_key", "job_by_state", "job_idempotency_key", "job_by_labels",
                "job_active_by_owner", "job_schedule_tick", "job_expiry");
        assertThat(job.get("job_idempotency_key")).startsWith("CREATE UNIQUE INDEX").endsWith("WHERE (idempotency_key IS NOT NULL)");
        assertThat(job.get("job_by_labels")).contains("gin").endsWith("WHERE (labels <> '{}'::jsonb)");
        assertThat(job.get("job_active_by_owner")).endsWith("AND (owner_node IS NOT NULL))");
        assertThat(indexes("step")).as("a step's name is unique by validation, not by an index")
                .containsOnlyKeys("step_pkey", "step_ready_queue", "step_active_by_node", "step_backoff");
        Map<String, String> attempt = indexes("step_attempt");
        assertThat(attempt).containsOnlyKeys("step_attempt_pkey");
        assertThat(attempt.get("step_attempt_pkey")).endsWith("(job_id, idx, attempt)");
    }

    @Test
    void aLabelFilterAmongManyUnlabelledJobsReadsTheIndexOfLabelledOnes() {
        jobs.submitAll(IntStream.range(0, 3_000).mapToObj(i -> pending("plain", Map.of())).toList());
        jobs.submitAll(List.of(pending("data-1", Map.of("team", "data")), pending("ops", Map.of("team", "ops")),
                pending("data-2", Map.of("team", "data", "tier", "gold"))));
        jdbi.useHandle(h -> h.execute("analyze job"));
        long before = scans();

        JobPage page = jobs.list(new JobQuery(Set.of(), Map.of("team", "data"), "", Optional.empty(), OptionalLong.empty(), 50));

        assertThat(page.jobs()).extracting(StoredJob::name).containsExactly("data-2", "data-1");
        // statistics reach the shared counters within a second of the backend going idle
        await("the labels' index scanned").atMost(Duration.ofSeconds(10)).until(() -> scans() > before);
    }

    /** The table's indexes: their definitions by name. */
    private static Map<String, String> indexes(String table) {
        return jdbi.withHandle(h -> h.createQuery("select indexname, indexdef from pg_indexes where tablename = :table")
                .bind("table", table)
                .map((rs, ctx) -> Map.entry(rs.getString("indexname"), rs.getString("indexdef")))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    private static long scans() {
        return jdbi.withHandle(h -> h.createQuery("select idx_scan from pg_stat_user_indexes where indexrelname = 'job_by_labels'")
                .mapTo(Long.class).one());
    }

    private static JobStore.PendingJob pending(String name, Map<String, String> labels) {
        StepSpec step = new StepSpec("s", "noop", null, null, null, null, null, null, null, null, null);
        return new JobStore.PendingJob(new JobSpec(name, 0, labels, null, List.of(step), null, null), DistributionMode.LOCAL,
                Optional.empty(), name);
    }
}
