package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcluster.server.job.AttemptResult.Outcome;
import io.flowcluster.server.job.AttemptResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Group commit (of step ends here): one write the database refuses does not hold back the others of its group. */
class GroupCommitTest {

    private static final AttemptResult OK = new AttemptResult(Outcome.SUCCEEDED, 0, null);
    private static final Boolean DONE = true;

    @Test
    void aPoisonedEndFailsAloneAndTheRestOfItsGroupIsRecorded() throws Exception {
        AttemptEnd poison = new AttemptEnd(UUID.randomUUID(), 0, 1, OK, Instant.now());
        List<AttemptEnd> recorded = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstGroupHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<AttemptEnd, Boolean> queue = new GroupCommit<>("step ends", 256, group -> {
            if (firstGroupHeld.getCount() > 0) {
                firstGroupHeld.countDown();
                await(release); // the ends below queue up meanwhile and form one group
            }
            if (group.contains(poison)) {
                throw new IllegalStateException("ERROR: interval out of range");
            }
            recorded.addAll(group);
            return group.stream().map(e -> DONE).toList();
        });
        ExecutorService steps = Executors.newCachedThreadPool();
        try {
            steps.submit(() -> queue.write(new AttemptEnd(UUID.randomUUID(), 0, 1, OK, Instant.now())));
            assertThat(firstGroupHeld.await(5, TimeUnit.SECONDS)).isTrue();
            List<AttemptEnd> healthy = new ArrayList<>();
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                AttemptEnd end = new AttemptEnd(UUID.randomUUID(), 0, 1, OK, Instant.now());
                healthy.add(end);
                results.add(steps.submit(() -> queue.write(end)));
            }
            Future<Boolean> poisoned = steps.submit(() -> queue.write(poison));
            Thread.sleep(200);
            release.countDown();
            for (Future<Boolean> r : results) {
                assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(DONE);
            }
            assertThat(recorded).containsAll(healthy).doesNotContain(poison);
            assertThatThrownBy(() -> poisoned.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("ERROR: interval out of range");
        } finally {
            steps.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
