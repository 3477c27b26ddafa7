package io.flowcluster.e2e.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowcluster.e2e.harness.BenchmarkReport;
import io.flowcluster.e2e.harness.CpuMeter;
import io.flowcluster.e2e.harness.StatementStatistics;
import io.flowcluster.e2e.harness.TestCluster;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Noop throughput side by side on one PostgreSQL with fsync and synchronous commit on:
 * a 3-node FlowCluster (jdbc coordination, 8 slots a node) against 3 db-scheduler instances
 * in their fastest mode (lock-and-fetch, 8 threads each). Both get the same number of tasks
 * queued up front, then start; the clock runs from the start to the last task done. Each side
 * first runs an untimed warm-up round of the same kind. Beside the rate it prints the CPU time
 * per task of the instances and of PostgreSQL (all its processes) over the timed round: where
 * the two cores went.
 */
class ThroughputBenchmark {

    private static final int TASKS = Integer.getInteger("bench.tasks", 3000);
    /** Jobs of the untimed first round: long enough for the nodes' JIT (C2, as in production) to compile the hot path. */
    private static final int WARM_UP = Integer.getInteger("bench.warm-up", 3000);
    private static final int THREADS = 8;

    @Test
    void throughputAgainstDbScheduler(@TempDir Path dir) throws Exception {
        Round flow;
        Round peer;
        List<String> nodes = List.of("node-a", "node-b", "node-c");
        // dispatch-ahead as by default (0: the scheduler starts steps in free slots only); with
        // -Dbench.dispatch-ahead=2 a node holds a queue of two per slot, as db-scheduler's
        // lock-and-fetch below picks up to 3x its threads
        Map<String, String> settings = new java.util.HashMap<>(Map.of("FLOW_WORKER_TASK_POOL_SIZE", Integer.toString(THREADS),
                "FLOW_SCHEDULER_DISPATCH_AHEAD", System.getProperty("bench.dispatch-ahead", "0"),
                "QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "16"));
        // to profile the nodes: -Dbench.node-options="-XX:StartFlightRecording=filename=/tmp/node-%p.jfr,settings=profile"
        Optional<String> nodeOptions = Optional.ofNullable(System.getProperty("bench.node-options"));
        nodeOptions.ifPresent(o -> settings.put("JAVA_TOOL_OPTIONS", o));
        try (TestCluster cluster = TestCluster.startDurable(dir, settings, nodes.toArray(String[]::new))) {
            ProcessHandle postgres = cluster.databaseServer();
            Supplier<Optional<Duration>> database = () -> CpuMeter.withDescendants(postgres);
            Supplier<Optional<Duration>> instances = () -> CpuMeter.sum(nodes.stream()
                    .map(n -> CpuMeter.withDescendants(cluster.node(n).handle())).toList());
            // the scheduler's own loop (one thread, on whichever node leads): what one dispatch costs it
            Supplier<Optional<Duration>> schedulerLoops = () -> CpuMeter.sum(nodes.stream()
                    .map(n -> CpuMeter.threads(cluster.node(n).handle(), "flow-scheduler")).toList());
            round(cluster, nodes, WARM_UP, 0, instances, database);
            Optional<Duration> loopsBefore = schedulerLoops.get();
            flow = round(cluster, nodes, TASKS, WARM_UP, instances, database);
            System.out.printf("FlowCluster: %d noop jobs at %.0f jobs/s%n", TASKS, flow.rate());
            loopsBefore.flatMap(b -> schedulerLoops.get().map(a -> a.minus(b))).ifPresent(loop -> System.out.printf(
                    "The scheduler's loop: %.0f ms of CPU for %d dispatches, %.1f us each%n", loop.toNanos() / 1e6, TASKS,
                    loop.toNanos() / 1e3 / TASKS));
            for (String node : nodes) { // the database to db-scheduler alone
                if (nodeOptions.isPresent()) {
                    cluster.node(node).terminate(Duration.ofSeconds(30)); // a profiler writes its file at exit
                } else {
                    cluster.node(node).killHard();
                }
            }
            peer = dbScheduler(cluster.jdbcUrl(), database);
        }
        BenchmarkReport.table("Noop throughput, " + TASKS + " tasks, 3 instances each, one embedded PostgreSQL",
                List.of("system", "tasks/s", "CPU ms per task: instances", "CPU ms per task: PostgreSQL", "WAL bytes per task"),
                List.of(flow.row("FlowCluster (3 nodes)", TASKS), peer.row("db-scheduler 16.7.1 (3 instances, lock-and-fetch)", TASKS),
                        List.of("ratio", flow.rate() / peer.rate(), "", "", "")));
        Map<String, List<? extends Number>> series = new LinkedHashMap<>();
        series.put("tasks/s", List.of(flow.rate(), peer.rate()));
        BenchmarkReport.bars("throughput", "Noop tasks per second, 3 instances on one PostgreSQL", "tasks/s",
                List.of("FlowCluster", "db-scheduler"), series);
    }

    /**
     * A timed round: tasks per second, the CPU time the instances and PostgreSQL used meanwhile,
     * and the write-ahead log written: unlike CPU time on a shared machine, the WAL a task costs
     * is nearly the same from run to run, so it tells a change in what the database writes
     * through this machine's noise.
     */
    private record Round(double rate, Optional<Duration> instancesCpu, Optional<Duration> databaseCpu, long walBytes) {

        /** Measures {@code work}, which ends when all {@code tasks} are done. */
        static Round measure(int tasks, Supplier<Optional<Duration>> instances, Supplier<Optional<Duration>> database,
                Supplier<Long> wal, Callable<?> work) throws Exception {
            Optional<Duration> instancesBefore = instances.get();
            Optional<Duration> databaseBefore = database.get();
            long walBefore = wal.get();
            long start = System.nanoTime();
            work.call();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Round(tasks / seconds, since(instancesBefore, instances.get()), since(databaseBefore, database.get()),
                    wal.get() - walBefore);
        }

        List<Object> row(String system, int tasks) {
            return List.of(system, rate, perTask(instancesCpu, tasks), perTask(databaseCpu, tasks), walBytes / tasks);
        }

        private static Optional<Duration> since(Optional<Duration> before, Optional<Duration> after) {
            return before.flatMap(b -> after.map(a -> a.minus(b)));
        }

        private static Object perTask(Optional<Duration> cpu, int tasks) {
            return cpu.<Object>map(d -> d.toNanos() / 1e6 / tasks).orElse("n/a");
        }
    }

    /** Jobs queued while every node drains, then all nodes let go at once. */
    private static Round round(TestCluster cluster, List<String> nodes, int tasks, int doneBefore,
            Supplier<Optional<Duration>> instances, Supplier<Optional<Duration>> database) throws Exception {
        for (String node : nodes) {
            cluster.anyLive().post("/api/v1/cluster/members/" + node + "/drain", "");
        }
        // one connection for the whole round: a new one per poll would cost PostgreSQL a process each time;
        // the probe reads the head of an index, not every finished job (counting them took 7% of
        // the database's time on 6,000 jobs). It still costs about a millisecond of PostgreSQL (the
        // head of the index is dead entries of jobs that moved on), which db-scheduler's in-memory
        // counter does not: polled every 100 ms, not 20, it is under 1% of the database's time, and
        // the round ends at most 100 ms late (the rate it reports can only be the lower for it)
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), EmbeddedDatabase.USER, "");
             PreparedStatement unfinished = c.prepareStatement("select exists (select 1 from job where state in ('PENDING', 'RUNNING'))");
             PreparedStatement succeeded = c.prepareStatement("select count(*) from job where state = 'SUCCEEDED'")) {
            // the queue filled by 8 client threads while nothing runs: what a submission costs, on its own
            Round submitting = Round.measure(tasks, instances, database, () -> walPosition(c), () -> {
                ExecutorService pool = Executors.newFixedThreadPool(8);
                List<Future<String>> submitted = new ArrayList<>();
                for (int i = 0; i < tasks; i++) {
                    submitted.add(pool.submit(() -> cluster.submit("{\"name\": \"noop\", \"steps\": [{\"name\": \"s\", \"kind\": \"noop\"}]}")));
                }
                for (Future<String> f : submitted) {
                    f.get();
                }
                pool.shutdown();
                return null;
            });
            if (doneBefore > 0) {
                BenchmarkReport.table("FlowCluster's submissions before the timed round (8 client threads, the nodes draining)",
                        List.of("system", "jobs/s", "CPU ms per job: nodes", "CPU ms per job: PostgreSQL", "WAL bytes per job"),
                        List.of(submitting.row("FlowCluster (3 nodes)", tasks)));
            }
            StatementStatistics.reset(c);
            Round round = Round.measure(tasks, instances, database, () -> walPosition(c), () -> {
                for (String node : nodes) {
                    cluster.anyLive().delete("/api/v1/cluster/members/" + node + "/drain");
                }
                return await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> one(unfinished, Boolean.class), unfinishedLeft -> !unfinishedLeft);
            });
            assertThat(one(succeeded, Long.class)).as("every job succeeded").isEqualTo((long) doneBefore + tasks);
            if (doneBefore > 0) {
                StatementStatistics.print(c, "PostgreSQL's statements in FlowCluster's timed round", tasks);
            }
            return round;
        }
    }

    /** Where PostgreSQL's write-ahead log ends, in bytes from its start. */
    private static long walPosition(Connection c) {
        try (PreparedStatement position = c.prepareStatement("select (pg_current_wal_lsn() - '0/0')::bigint")) {
            return one(position, Long.class);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The one value a query returns. */
    private static <T> T one(PreparedStatement query, Class<T> type) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getObject(1, type);
        }
    }

    private static Round dbScheduler(String jdbcUrl, Supplier<Optional<Duration>> database) throws Exception {
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
            dbSchedulerRound(ds, noop, done, "warm-up-", WARM_UP, database);
            Round round = dbSchedulerRound(ds, noop, done, "task-", TASKS, database);
            System.out.printf("db-scheduler: %d noop tasks at %.0f tasks/s%n", TASKS, round.rate());
            return round;
        }
    }

    /** Tasks scheduled up front, then 3 instances started (in this JVM: its CPU time is theirs). */
    private static Round dbSchedulerRound(HikariDataSource ds, OneTimeTask<Void> noop, AtomicInteger done, String prefix,
            int tasks, Supplier<Optional<Duration>> database) throws Exception {
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
        try (Connection probe = ds.getConnection()) {
            StatementStatistics.reset(probe);
            Round round = Round.measure(tasks, () -> CpuMeter.own(ProcessHandle.current()), database, () -> walPosition(probe), () -> {
                schedulers.forEach(Scheduler::start);
                return await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
                        .until(done::get, n -> n >= doneBefore + tasks);
            });
            schedulers.forEach(Scheduler::stop);
            if (doneBefore > 0) {
                StatementStatistics.print(probe, "PostgreSQL's statements in db-scheduler's timed round", tasks);
            }
            return round;
        }
    }

    private static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(EmbeddedDatabase.USER);
        config.setMaximumPoolSize(3 * THREADS + 6);
        return new HikariDataSource(config);
    }
}
