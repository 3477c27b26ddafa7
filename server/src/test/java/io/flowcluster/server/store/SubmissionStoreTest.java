package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flowcluster.server.job.DistributionMode;
import io.flowcluster.server.job.JobSpec;
import io.flowcluster.server.job.StepSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Jobs stored together in one statement keep what each idempotency key promises, also within the same list. */
class SubmissionStoreTest extends Stores {

    @Test
    void aKeyTwiceInOneListStoresOneJobAndAnswersBothWithIt() {
        List<Submission> stored = jobs.submitAll(List.of(pending("a", "k1", "sha-a"), pending("b", null, "sha-b"),
                pending("a", "k1", "sha-a")));
        assertThat(stored).extracting(Submission::created).containsExactly(true, true, false);
        assertThat(stored.get(2).jobId()).isEqualTo(stored.get(0).jobId());
        assertThat(count("job")).isEqualTo(2);
        assertThat(count("step")).isEqualTo(2);
    }

    @Test
    void aKeyReusedWithAnotherBodyStoresNothingAndNamesItsPlace() {
        IdempotencyKeyReusedException e = catchThrowableOfType(IdempotencyKeyReusedException.class,
                () -> jobs.submitAll(List.of(pending("a", "k2", "sha-a"), pending("b", null, "sha-b"), pending("c", "k2", "sha-c"))));
        assertThat(e.index()).isEqualTo(2);
        assertThat(count("job")).isZero();
    }

    private static long count(String table) {
        Long rows = jdbi.withHandle(h -> h.createQuery("select count(*) from " + table).mapTo(Long.class).one());
        return rows;
    }

    private static JobStore.PendingJob pending(String name, String key, String sha) {
        StepSpec step = new StepSpec("s", "noop", null, null, null, null, null, null, null, null, null);
        return new JobStore.PendingJob(new JobSpec(name, 0, null, null, List.of(step), null, null), DistributionMode.LOCAL,
                Optional.ofNullable(key), sha);
    }
}
