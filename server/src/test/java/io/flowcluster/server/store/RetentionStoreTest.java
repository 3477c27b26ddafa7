package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobSpec;
import io.flowcluster.server.job.StepSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/** Invariant 11: finished jobs leave the database once kept for their retention, with all that is theirs; nothing else does. */
class RetentionStoreTest extends Stores {

    private final RetentionStore retention = new RetentionStore(jdbi);

    @Test
    void aJobExpiresItsRetentionAfterItEndsAndItsOwnRetentionWins() {
        UUID ownRetention = submit("kept-an-hour", "1h");
        UUID clusterDefault = submit("kept-by-default", null);
        UUID running = submit("running", null);
        jobs.abort(ownRetention);
        jobs.abort(clusterDefault);

        assertThat(jobs.find(ownRetention).orElseThrow().retention()).isEqualTo(Duration.ofHours(1));
        assertThat(secondsKept(ownRetention)).isEqualTo(3600);
        assertThat(secondsKept(clusterDefault)).isEqualTo(Duration.ofDays(30).toSeconds());
        assertThat(jobs.find(running).orElseThrow().expiresAt()).as("no expiry before the end").isNull();
    }

    @Test
    void expiredJobsGoInBatchesOldestFirstWithEverythingThatIsTheirs() {
        UUID oldest = finishedAgo("oldest", 3);
        UUID older = finishedAgo("older", 2);
        UUID expiredLast = finishedAgo("expired-last", 1);
        UUID kept = submit("kept", null);
        jobs.abort(kept);
        UUID running = submit("running", null);
        jobs.addMessage(oldest, "m", null, "n");

        assertThat(retention.expiredCount()).isEqualTo(3);
        assertThat(retention.deleteExpired(2)).isEqualTo(2);
        assertThat(jobs.find(oldest)).isEmpty();
        assertThat(jobs.find(older)).isEmpty();
        assertThat(jobs.find(expiredLast)).isPresent();
        assertThat(retention.deleteExpired(2)).isEqualTo(1);
        assertThat(retention.deleteExpired(2)).isZero();

        assertThat(jobs.find(kept)).isPresent();
        assertThat(jobs.find(running)).isPresent();
        assertThat(count("select count(*) from step where job_id not in (select id from job)")).as("steps went with their jobs").isZero();
        assertThat(count("select count(*) from step_attempt")).as("the aborted jobs' attempts")
                .isEqualTo(count("select count(*) from step_attempt where job_id = '" + kept + "'"));
        assertThat(count("select count(*) from job_message")).isZero();
    }

    @Test
    void oneNodeSweepsAtATime() {
        finishedAgo("expired", 1);
        try (Handle other = jdbi.open()) {
            other.begin();
            other.createQuery("select pg_advisory_xact_lock(0x466c6f7752657431)").mapToMap().one();
            assertThat(retention.deleteExpired(10)).as("another node sweeps now").isZero();
            other.rollback();
        }
        assertThat(retention.deleteExpired(10)).isEqualTo(1);
    }

    @Test
    void aJobLockedByTheHotPathIsSkippedNotWaitedFor() {
        UUID locked = finishedAgo("locked", 2);
        UUID free = finishedAgo("free", 1);
        try (Handle other = jdbi.open()) {
            other.begin();
            JobStore.lockJob(other, locked);
            assertThat(retention.deleteExpired(10)).isEqualTo(1);
            other.rollback();
        }
        assertThat(jobs.find(free)).isEmpty();
        assertThat(retention.deleteExpired(10)).isEqualTo(1);
        assertThat(jobs.find(locked)).isEmpty();
    }

    private static UUID finishedAgo(String name, int hours) {
        UUID id = submit(name, "1h");
        jobs.abort(id);
        jdbi.useHandle(h -> h.execute("update job set expires_at = now() - make_interval(hours => ?) where id = ?", hours, id));
        return id;
    }

    private static UUID submit(String name, String retention) {
        StepSpec step = new StepSpec("a", "noop", null, null, null, null, null, null, null, null, null);
        return jobs.submit(new JobSpec(name, 0, null, null, List.of(step), null, retention), DistributionMode.LOCAL,
                Optional.empty(), name).jobId();
    }

    private static long secondsKept(UUID job) {
        return jdbi.withHandle(h -> h.createQuery("select extract(epoch from expires_at - finished_at)::bigint from job where id = :j")
                .bind("j", job).mapTo(Long.class).one());
    }

    private static long count(String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
