package io.flowcluster.e2e.harness;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nodes as real processes of the packaged server on one throw-away PostgreSQL, with
 * {@code jdbc} coordination and the default timings, as the local cluster runs them. The
 * test reads the database directly to check what no API shows: every attempt, where and when.
 */
public final class TestCluster implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final EmbeddedDatabase db;
    private final Map<String, ServerProcess> nodes = new LinkedHashMap<>();
    private final Map<String, String> settings;
    /** Nodes in the product's JVM rather than the harness's lean one. */
    private boolean production;

    private TestCluster(Path dir, Map<String, String> settings, EmbeddedDatabase db) {
        this.dir = dir;
        this.settings = settings;
        this.db = db;
    }

    /** Starts the nodes side by side and waits until every one is ready. */
    public static TestCluster start(Path dir, String... ids) throws IOException, InterruptedException {
        return start(dir, Map.of(), ids);
    }

    /** The same, with settings (environment) of every node on top of the defaults. */
    public static TestCluster start(Path dir, Map<String, String> settings, String... ids) throws IOException, InterruptedException {
        return start(new TestCluster(dir, settings, EmbeddedDatabase.startTemporary()), ids);
    }

    /**
     * On a PostgreSQL with fsync and synchronous commit on, nodes in the JVM a local cluster
     * gives them: as in production (benchmarks). The database keeps statement statistics
     * ({@link StatementStatistics}).
     */
    public static TestCluster startDurable(Path dir, Map<String, String> settings, String... ids) throws IOException, InterruptedException {
        TestCluster cluster = new TestCluster(dir, settings, EmbeddedDatabase.startMeasuringStatements(dir.resolve("postgres")));
        cluster.production = true;
        return start(cluster, ids);
    }

    private static TestCluster start(TestCluster cluster, String... ids) throws IOException, InterruptedException {
        List<ServerProcess> started = new ArrayList<>();
        for (String id : ids) {
            started.add(cluster.launch(id));
        }
        for (ServerProcess node : started) {
            node.awaitReady();
        }
        return cluster;
    }

    /** A node joining the running cluster. */
    public ServerProcess join(String id) throws IOException, InterruptedException {
        return join(id, Map.of());
    }

    /** The same with settings of its own on top of the cluster's. */
    public ServerProcess join(String id, Map<String, String> own) throws IOException, InterruptedException {
        return launch(id, own).awaitReady();
    }

    private ServerProcess launch(String id) throws IOException {
        return launch(id, Map.of());
    }

    private ServerProcess launch(String id, Map<String, String> own) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", EmbeddedDatabase.USER);
        env.put("QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "8");
        env.put("FLOW_WORKER_TASK_POOL_SIZE", "4");
        env.putAll(settings);
        env.putAll(own);
        ServerProcess node = new ServerProcess(dir, id, env);
        if (production) {
            node.asInProduction();
        }
        node.launch();
        nodes.put(id, node);
        return node;
    }

    public ServerProcess node(String id) {
        return nodes.get(id);
    }

    /** Any node that answers, to ask the API. */
    public ServerProcess anyLive() {
        return nodes.values().stream().filter(ServerProcess::isResponsive).findFirst().orElseThrow();
    }

    /** An answering node other than this one. */
    public ServerProcess otherThan(String id) {
        return nodes.entrySet().stream().filter(e -> !e.getKey().equals(id) && e.getValue().isResponsive())
                .map(Map.Entry::getValue).findFirst().orElseThrow();
    }

    public JsonNode cluster() {
        return json(call(() -> anyLive().get("/api/v1/cluster")));
    }

    /** The scheduler's node, or null while none holds the lease. */
    public String scheduler() {
        JsonNode node = cluster().path("scheduler").path("node");
        return node.isTextual() ? node.asText() : null;
    }

    /**
     * Waits for an answer in which a node other than {@code previous} (null: any node) holds
     * the lease, and returns that answer's scheduler ({@code node}, {@code epoch}): one read,
     * so the holder and its epoch belong together.
     */
    public JsonNode awaitScheduler(String previous, Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> cluster().path("scheduler"),
                s -> s.path("node").isTextual() && !s.path("node").asText().equals(previous));
    }

    public String memberState(String id) {
        for (JsonNode m : cluster().get("members")) {
            if (m.get("id").asText().equals(id)) {
                return m.get("state").asText();
            }
        }
        return null;
    }

    public String submit(String json) {
        HttpResponse<String> r = call(() -> anyLive().post("/api/v1/jobs", json));
        if (r.statusCode() != 201) {
            throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
        }
        return json(r).get("id").asText();
    }

    public JsonNode job(String id) {
        return json(call(() -> anyLive().get("/api/v1/jobs/" + id)));
    }

    public boolean allInState(List<String> jobs, String state) {
        return jobs.stream().allMatch(id -> job(id).get("state").asText().equals(state));
    }

    /** Rows of a query on the cluster's database, each as column name to value. */
    public List<Map<String, Object>> query(String sql, Object... args) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, "");
             PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                        row.put(rs.getMetaData().getColumnLabel(col), rs.getObject(col));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PostgreSQL server process (the parent of a backend): what the database's CPU time is read from. */
    public ProcessHandle databaseServer() {
        // asked while the backend's connection is open: a backend exits with its connection
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, "");
             PreparedStatement st = c.prepareStatement("select pg_backend_pid()");
             ResultSet rs = st.executeQuery()) {
            rs.next();
            return ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent).orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public int databasePort() {
        return db.port();
    }

    public String jdbcUrl() {
        return db.jdbcUrl();
    }

    public long count(String sql, Object... args) {
        return ((Number) query(sql, args).get(0).values().iterator().next()).longValue();
    }

    /**
     * Step attempts that overlapped in time with another attempt of the same step: a step
     * must never run in two places at once (invariant 3). A LOST attempt ends when the
     * scheduler handed it over, before the next one starts.
     */
    public long overlappingAttempts() {
        return count("""
                select count(*) from step_attempt a join step_attempt b
                  on a.job_id = b.job_id and a.idx = b.idx and a.attempt < b.attempt
                where a.finished_at is null or a.finished_at > b.started_at""");
    }

    @Override
    public void close() throws InterruptedException {
        for (ServerProcess node : nodes.values()) {
            if (node.isAlive()) {
                node.killHard();
            }
        }
        db.close();
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> call(Request request) {
        try {
            return request.send();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private interface Request {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }
}
