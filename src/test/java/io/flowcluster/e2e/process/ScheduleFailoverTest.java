package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 12 through failover: the scheduler's node is killed, or paused until it has lost
 * the lease, again and again just around tick times, and every tick of every schedule still
 * becomes exactly one job: none twice, none left out.
 */
class ScheduleFailoverTest {

    private static final int ROUNDS = 12;
    private static final String JOB = "{\"name\": \"tick\", \"steps\": [{\"name\": \"a\", \"kind\": \"noop\"}]}";

    @Test
    void everyTickBecomesOneJobWhileTheSchedulerDiesAroundTickTimes(@TempDir Path dir) throws Exception {
        Random random = new Random(18);
        try (TestCluster cluster = TestCluster.start(dir, "node-a", "node-b", "node-c")) {
            put(cluster, "every-second", "\"cron\": \"* * * * * *\"");
            put(cluster, "every-three-seconds", "\"interval\": \"3s\"");
            await().atMost(Duration.ofSeconds(20)).until(() -> ticks(cluster, "every-three-seconds") >= 1);

            for (int round = 0; round < ROUNDS; round++) {
                String victim = cluster.awaitScheduler(null, Duration.ofSeconds(20)).get("node").asText();
                // just before or just after a whole second: a tick is being fired, or about to be
                long offset = random.nextInt(160) - 80;
                Thread.sleep(Math.floorMod(1000 - System.currentTimeMillis() % 1000 + offset, 1000));
                if (round % 2 == 0) {
                    cluster.node(victim).killHard();
                    cluster.awaitScheduler(victim, Duration.ofSeconds(15));
                    cluster.join(victim);
                } else {
                    cluster.node(victim).signal("STOP");
                    cluster.awaitScheduler(victim, Duration.ofSeconds(15));
                    await().atMost(Duration.ofSeconds(15)).until(() ->
                            cluster.count("select count(*) from node where id = ? and declared_dead", victim) == 1);
                    cluster.node(victim).signal("CONT");
                    await().atMost(Duration.ofSeconds(15)).until(() -> "live".equals(cluster.memberState(victim)));
                }
                System.out.printf("round %d: %s %s at %+d ms from a second%n", round, round % 2 == 0 ? "killed" : "paused", victim,
                        offset);
            }
            put(cluster, "every-second", "\"cron\": \"* * * * * *\", \"paused\": true");
            put(cluster, "every-three-seconds", "\"interval\": \"3s\", \"paused\": true");

            assertEveryTickOnce(cluster, "every-second", 1);
            assertEveryTickOnce(cluster, "every-three-seconds", 3);
        }
    }

    private static void assertEveryTickOnce(TestCluster cluster, String schedule, int periodSeconds) {
        Map<String, Object> runs = cluster.query("""
                select count(*) as jobs, count(distinct schedule_tick) as ticks,
                       extract(epoch from max(schedule_tick) - min(schedule_tick))::bigint as span
                from job where schedule_name = ?""", schedule).get(0);
        long jobs = ((Number) runs.get("jobs")).longValue();
        long span = ((Number) runs.get("span")).longValue();
        System.out.printf("%s: %d jobs over %d s%n", schedule, jobs, span);
        assertThat(runs.get("ticks")).as("no tick made two jobs").isEqualTo(jobs);
        assertThat(jobs).as("no tick between the first and the last went without a job").isEqualTo(span / periodSeconds + 1);
        Map<String, Object> counts = cluster.query("select fired, missed, skipped from schedule where name = ?", schedule).get(0);
        assertThat(((Number) counts.get("fired")).longValue()).as("the schedule counted what it fired").isEqualTo(jobs);
        assertThat(((Number) counts.get("missed")).longValue()).as("a failover is shorter than the misfire threshold").isZero();
    }

    private static long ticks(TestCluster cluster, String schedule) {
        return cluster.count("select count(*) from job where schedule_name = ?", schedule);
    }

    private static void put(TestCluster cluster, String name, String trigger) throws Exception {
        String body = "{" + trigger + ", \"misfirePolicy\": \"fire-all\", \"maxCatchUp\": 1000, \"job\": " + JOB + "}";
        int status = cluster.anyLive().put("/api/v1/schedules/" + name, body).statusCode();
        assertThat(status).isIn(200, 201);
    }
}
