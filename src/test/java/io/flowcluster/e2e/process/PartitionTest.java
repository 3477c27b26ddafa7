package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowcluster.e2e.harness.CuttableProxy;
import io.flowcluster.e2e.harness.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node cut off from the database but not from its clients (a relay the test silences):
 * it stops its steps before the others may count it dead, so that when they run those steps
 * again nothing runs twice at once; the steps themselves write down every 50 ms that they
 * still run, which is what the test compares (invariant 3, measured on the processes, not on
 * the database's bookkeeping). When the network heals, the node rejoins.
 */
class PartitionTest {

    @Test
    void aNodeCutOffFromTheDatabaseStopsItsStepsBeforeTheyRunElsewhere(@TempDir Path dir) throws Exception {
        Path beats = Files.createDirectories(dir.resolve("beats"));
        try (TestCluster cluster = TestCluster.start(dir, "node-b");
             CuttableProxy proxy = new CuttableProxy(cluster.databasePort())) {
            cluster.join("node-a", Map.of("QUARKUS_DATASOURCE_JDBC_URL",
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres"));
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                jobs.add(cluster.submit("""
                        {"name": "beating-%d", "steps": [{"name": "work", "shell":
                          "trap '' TERM; for i in $(seq 100); do date +%%s%%N >> %s/$FLOW_JOB_ID-$FLOW_ATTEMPT; sleep 0.05; done"}]}"""
                        .formatted(i, beats)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    cluster.count("select count(*) from step where state = 'RUNNING' and node = 'node-a'") >= 2);
            long cutOnA = cluster.count("select count(*) from step where state = 'RUNNING' and node = 'node-a'");

            proxy.cut();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> cluster.allInState(jobs, "SUCCEEDED"));

            assertThat(cluster.node("node-a").output()).contains("Lost contact with the database");
            assertThat(retried(cluster)).as("the steps cut off on node-a ran again on node-b").isGreaterThanOrEqualTo(cutOnA);
            for (String job : jobs) {
                assertThat(overlaps(beats, job)).as("attempts of job %s that ran at the same time", job).isEmpty();
            }

            proxy.heal();
            await().atMost(Duration.ofSeconds(30)).until(() -> "live".equals(cluster.memberState("node-a")));
        }
    }

    private static long retried(TestCluster cluster) {
        return cluster.count("select count(*) from step_attempt where outcome = 'LOST' and node = 'node-a'");
    }

    /** Pairs of attempts of one job whose first and last beats overlap in time. */
    private static List<String> overlaps(Path beats, String job) throws IOException {
        TreeMap<Long, long[]> spans = new TreeMap<>(); // first beat -> [first, last, attempt]
        try (Stream<Path> files = Files.list(beats)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(job + "-")).toList()) {
                List<Long> times = Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
                long attempt = Long.parseLong(f.getFileName().toString().substring(job.length() + 1));
                spans.put(times.get(0), new long[] {times.get(0), times.get(times.size() - 1), attempt});
            }
        }
        List<String> overlapping = new ArrayList<>();
        long[] previous = null;
        for (long[] span : spans.values()) {
            if (previous != null && span[0] <= previous[1]) {
                overlapping.add("attempt " + previous[2] + " beat until " + previous[1] + ", attempt " + span[2] + " from " + span[0]);
            }
            previous = span;
        }
        return overlapping;
    }
}
