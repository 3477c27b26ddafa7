package io.flowcluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Noop throughput side by side on one PostgreSQL with fsync and synchronous commit on:
 * a 3-node FlowCluster (jdbc coordination, 8 slots a node) against 3 db-scheduler instances
 * in their fastest mode (lock-and-fetch, 8 threads each). Both get the same number of tasks
 * queued up front, then start; the clock runs from the start to the last task done. Each side
 * first runs an untimed warm-up round of the same kind.
 */
class ThroughputBenchmark {

    private static final int TASKS = Integer.getInteger("bench.tasks", 3000);
    private static final int WARM_UP = 1000;
    private static final int THREADS = 8;

    @Test
    void throughputAgainstDbScheduler(@TempDir Path dir) throws Exception {
        double flow;
        double peer;
        List<String> nodes = List.of("node-a", "node-b", "node-c");
        // a queue of two steps per slot ahead, as db-scheduler's lock-and-fetch below picks up to 3x its threads
        Map<String, String> settings = new java.util.HashMap<>(Map.of("FLOW_WORKER_TASK_POOL_SIZE", Integer.toString(THREADS),
                "FLOW_SCHEDULER_DISPATCH_AHEAD", "2", "QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "16"));
        // to profile the nodes: -Dbench.node-options="-XX:StartFlightRecording=filename=/tmp/node-%p.jfr,settings=profile"
        Optional<String> nodeOptions = Optional.ofNullable(System.getProperty("bench.node-options"));
        nodeOptions.ifPresent(o -> settings.put("JAVA_TOOL_OPTIONS", o));
        try (TestCluster cluster = TestCluster.startDurable(dir, settings, nodes.toArray(String[]::new))) {
            round(cluster, nodes, WARM_UP, 0);
            flow = round(cluster, nodes, TASKS, WARM_UP);
            System.out.printf("FlowCluster: %d noop jobs at %.0f jobs/s%n", TASKS, flow);
            for (String node : nodes) { // the database to db-scheduler alone
                if (nodeOptions.isPresent()) {
                    cluster.node(node).terminate(Duration.ofSeconds(30)); // a profiler writes its file at exit
                } else {
                    cluster.node(node).killHard();
                }
            }
            peer = dbScheduler(cluster.jdbcUrl());
        }
        BenchmarkReport.table("Noop throughput, " + TASKS + " tasks, 3 instances each, one embedded PostgreSQL",
                List.of("system", "tasks/s"),
                List.of(List.of("FlowCluster (3 nodes)", flow), List.of("db-scheduler 16.7.1 (3 instances, lock-and-fetch)", peer),
                        List.of("ratio", flow / peer)));
        Map<String, List<? extends Number>> series = new LinkedHashMap<>();
        series.put("tasks/s", List.of(flow, peer));
        BenchmarkReport.bars("throughput", "Noop tasks per second, 3 instances on one PostgreSQL", "tasks/s",
                List.of("FlowCluster", "db-scheduler"), series);
    }

    /** Jobs queued while every node drains, then all nodes let go at once; jobs per second. */
    private static double round(TestCluster cluster, List<String> nodes, int tasks, int doneBefore) throws Exception {
        for (String node : nodes) {
            cluster.anyLive().post("/api/v1/cluster/members/" + node + "/drain", "");
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> submitted = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            submitted.add(pool.submit(() -> cluster.submit("{\"name\": \"noop\", \"steps\": [{\"name\": \"s\", \"kind\": \"noop\"}]}")));
        }
        for (Future<String> f : submitted) {
            f.get();
        }
        pool.shutdown();
        long start = System.nanoTime();
        for (String node : nodes) {
            cluster.anyLive().delete("/api/v1/cluster/members/" + node + "/drain");
        }
        // one connection for the whole wait: a new one per poll would cost PostgreSQL a process each time;
        // the probe reads the head of an index, not every finished job (counting them took 7% of
        // the database's time on 6,000 jobs)
        double seconds;
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), EmbeddedDatabase.USER, "");
             PreparedStatement unfinished = c.prepareStatement("select exists (select 1 from job where state in ('PENDING', 'RUNNING'))");
             PreparedStatement succeeded = c.prepareStatement("select count(*) from job where state = 'SUCCEEDED'")) {
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() -> !one(unfinished, Boolean.class));
            seconds = (System.nanoTime() - start) / 1e9;
            assertThat(one(succeeded, Long.class)).as("every job succeeded").isEqualTo((long) doneBefore + tasks);
        }
        return tasks / seconds;
    }

    /** The one value a query returns. */
    private static <T> T one(PreparedStatement query, Class<T> type) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getObject(1, type);
        }
    }

    private static double dbScheduler(String jdbcUrl) throws Exception {
        try (HikariDataSource ds = pool(jdbcUrl)) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                // db-scheduler's PostgreSQL schema, as its documentation gives it
                st.execute("""
                        create table scheduled_tasks (
                          task_name text not null, task_instance text not null, task_data bytea,
                          execution_time timestamp with time zone not null, picked boolean not null, picked_by text,
                          last_success timestamp with time zone, last_failure timestamp with time zone,
                          consecutive_failures int, last_heartbeat timestamp with time zone, version bigint not null,
                          priority smallint, primary key (task_name, task_instance))""");
                st.execute("create index execution_time_idx on scheduled_tasks (execution_time)");
                st.execute("create index last_heartbeat_idx on scheduled_tasks (last_heartbeat)");
                st.execute("create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc)");
            }
            AtomicInteger done = new AtomicInteger();
            OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, context) -> done.incrementAndGet());
            dbSchedulerRound(ds, noop, done, "warm-up-", WARM_UP);
            double rate = dbSchedulerRound(ds, noop, done, "task-", TASKS);
            System.out.printf("db-scheduler: %d noop tasks at %.0f tasks/s%n", TASKS, rate);
            return rate;
        }
    }

    /** Tasks scheduled up front, then 3 instances started; tasks per second. */
    private static double dbSchedulerRound(HikariDataSource ds, OneTimeTask<Void> noop, AtomicInteger done, String prefix,
            int tasks) {
        int doneBefore = done.get();
        SchedulerClient client = SchedulerClient.Builder.create(ds, noop).build();
        Instant now = Instant.now();
        for (int i = 0; i < tasks; i++) {
            client.schedule(noop.instance(prefix + i), now);
        }
        List<Scheduler> schedulers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            schedulers.add(Scheduler.create(ds, noop).threads(THREADS).pollUsingLockAndFetch(0.5, 3.0)
                    .pollingInterval(Duration.ofMillis(100)).schedulerName(new SchedulerName.Fixed("instance-" + i)).build());
        }
        long start = System.nanoTime();
        schedulers.forEach(Scheduler::start);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() -> done.get() >= doneBefore + tasks);
        double seconds = (System.nanoTime() - start) / 1e9;
        schedulers.forEach(Scheduler::stop);
        return tasks / seconds;
    }

    private static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(EmbeddedDatabase.USER);
        config.setMaximumPoolSize(3 * THREADS + 6);
        return new HikariDataSource(config);
    }
}
