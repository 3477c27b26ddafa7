package io.flowcluster.server.local;

import io.flowcluster.contract.ServerSetting;
import io.flowcluster.server.embedded.EmbeddedDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import sun.misc.Signal;

/**
 * A cluster on one machine: one embedded PostgreSQL and N node processes of this same
 * program, coordinating through the database ({@code jdbc}). Each node's output is shown
 * with its id in front. A node that dies is started again after a delay, as a StatefulSet
 * would, so that its jobs can be watched failing over and the ring taking it back.
 *
 * <p>Nodes run in a session of their own: the terminal's Ctrl-C reaches the launcher only,
 * which drains them (each lets its running steps finish, up to its drain timeout), then
 * stops the database. A second Ctrl-C stops them at once.
 */
public final class LocalCluster {

    private static final Duration READY_WAIT = Duration.ofSeconds(90);
    private static final Duration RESTART_DELAY = Duration.ofSeconds(5);
    private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(60);
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    private static final Duration OUTPUT_WAIT = Duration.ofSeconds(2);

    private final EmbeddedDatabase database;
    private final String token;
    private final Path dataDir;
    private final String jvmOptions;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flow-local-restart");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger stopRequests = new AtomicInteger();
    private volatile boolean stopping;

    private LocalCluster(EmbeddedDatabase database, String token, Path dataDir, String jvmOptions) {
        this.database = database;
        this.token = token;
        this.dataDir = dataDir;
        this.jvmOptions = jvmOptions;
    }

    /** Starts the nodes, prints where they answer, and stays until the launcher is stopped. */
    public static void run(EmbeddedDatabase database, String token, Path dataDir, int count, int basePort, String jvmOptions) {
        LocalCluster cluster = new LocalCluster(database, token, dataDir, jvmOptions);
        for (String signal : List.of("INT", "TERM", "HUP")) {
            Signal.handle(new Signal(signal), s -> cluster.onStopSignal());
        }
        // whatever else ends this process (a failed start, an uncaught error) ends the nodes with it
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::stopNow, "flow-local-stop"));
        for (int i = 0; i < count; i++) {
            cluster.nodes.add(new NodeProcess("node-" + i, basePort + i));
        }
        cluster.nodes.forEach(cluster::start);
        for (NodeProcess node : cluster.nodes) {
            node.awaitReady(READY_WAIT);
        }
        cluster.printWelcome();
        try {
            Thread.currentThread().join(); // the stop signal's thread ends the process
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The URLs the nodes of a local cluster answer on, to say where a running one is. */
    public static String urls(int count, int basePort) {
        return IntStream.range(0, count).mapToObj(i -> "http://localhost:" + (basePort + i))
                .collect(Collectors.joining(" "));
    }

    private void start(NodeProcess node) {
        List<String> command = new ArrayList<>(ownSession());
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(jvmOptions.trim().split("\\s+")));
        command.addAll(List.of("-jar", packagedJar()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", database.user());
        env.put("QUARKUS_DATASOURCE_PASSWORD", database.password());
        env.put(ServerSetting.API_TOKEN.env(), token);
        env.put(ServerSetting.NODE_ID.env(), node.id);
        env.put(ServerSetting.COORDINATION.env(), ServerSetting.JDBC);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(node.port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put(ServerSetting.WORKER_HIDDEN_PATHS.env(), secrets(dataDir));
        env.put(ServerSetting.WORKER_WORK_DIR.env(), dataDir.resolve("work").toString());
        try {
            Process process = builder.start();
            node.process = process;
            node.output = new Thread(() -> prefixOutput(node.id, process), "flow-local-" + node.id);
            node.output.setDaemon(true);
            node.output.start();
            process.onExit().thenAccept(p -> onExit(node, p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + node.id, e);
        }
    }

    /** {@code setsid} where there is one: the terminal's signals are for the launcher, which stops the nodes in order. */
    private static List<String> ownSession() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "setsid"))) {
                return List.of(Path.of(dir, "setsid").toString());
            }
        }
        return List.of();
    }

    private void onExit(NodeProcess node, Process exited) {
        if (stopping || node.process != exited) {
            return;
        }
        Duration delay = node.nextRestartDelay();
        say(node.id + " exited with code " + exited.exitValue() + "; the others take over its jobs. Restarting it in "
                + delay.toSeconds() + " s, as its StatefulSet would");
        restarts.schedule(() -> restart(node), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void restart(NodeProcess node) {
        if (stopping) {
            return;
        }
        start(node);
        try {
            node.awaitReady(READY_WAIT);
            node.restartFailures = 0;
            say(node.id + " is back: http://localhost:" + node.port + "   pid " + node.process.pid());
        } catch (IllegalStateException e) {
            say(e.getMessage()); // exited while starting: its exit schedules the next try, later
        }
    }

    /** The API token of the local installation in {@code dataDir}. */
    public static Path tokenFile(Path dataDir) {
        return dataDir.resolve("api-token");
    }

    /** The embedded PostgreSQL's data directory of the local installation in {@code dataDir}. */
    public static Path databaseDir(Path dataDir) {
        return dataDir.resolve("postgres");
    }

    /** What steps must not read of a local installation: its token, the database passwords and the database's files. */
    public static String secrets(Path dataDir) {
        List<Path> secrets = new ArrayList<>(List.of(tokenFile(dataDir), databaseDir(dataDir)));
        secrets.addAll(EmbeddedDatabase.passwordFiles(databaseDir(dataDir)));
        return secrets.stream().map(Path::toString).collect(Collectors.joining(","));
    }

    /** The launcher is the packaged server; its nodes are the same jar. */
    private static String packagedJar() {
        String classPath = System.getProperty("java.class.path");
        if (classPath == null || classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
            throw new IllegalStateException("a local cluster runs from the packaged server "
                    + "(java -jar server/target/quarkus-app/quarkus-run.jar); class path was " + classPath);
        }
        return Path.of(classPath).toAbsolutePath().toString();
    }

    private static void prefixOutput(String id, Process process) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("[" + id + "] " + line);
            }
        } catch (IOException e) {
            // the node's output ends with the node
        }
    }

    private void printWelcome() {
        StringBuilder text = new StringBuilder("\nFlowCluster: a local cluster of ").append(nodes.size())
                .append(" nodes on one embedded PostgreSQL (").append(database.jdbcUrl()).append(")\n");
        for (NodeProcess node : nodes) {
            text.append(String.format("  %-8s http://localhost:%d   pid %d%n", node.id, node.port, node.process.pid()));
        }
        text.append("API token kept in ").append(tokenFile(dataDir)).append("\n")
                .append("See the cluster: export TOKEN=$(cat ").append(tokenFile(dataDir)).append(")\n")
                .append("                 curl -H \"Authorization: Bearer $TOKEN\" http://localhost:")
                .append(nodes.get(0).port).append("/api/v1/cluster\n")
                .append("kill -9 a node's pid to watch its jobs fail over (it comes back after ")
                .append(RESTART_DELAY.toSeconds()).append(" s); Ctrl-C stops the cluster.\n");
        System.out.println(text);
    }

    /** The first stop signal drains the nodes, the next one stops them at once. */
    private void onStopSignal() {
        if (stopRequests.getAndIncrement() == 0) {
            Thread drain = new Thread(this::drainAndExit, "flow-local-drain");
            drain.start();
        } else {
            say("stopping now: steps still running are cut short and run again on the next start");
            nodes.forEach(n -> n.process.toHandle().destroyForcibly());
        }
    }

    private void drainAndExit() {
        stopping = true;
        say("stopping: each node lets its running steps finish (up to its drain timeout), then the database stops. "
                + "Ctrl-C again to stop at once");
        // through the handle: Process.destroy() also closes the pipe that carries the nodes' drain messages
        nodes.forEach(n -> n.process.toHandle().destroy());
        long nextProgress = System.nanoTime() + PROGRESS_INTERVAL.toNanos();
        List<NodeProcess> left = running();
        while (!left.isEmpty()) {
            try {
                left.get(0).process.waitFor(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = running();
            if (!left.isEmpty() && System.nanoTime() >= nextProgress) {
                say("still draining: " + left.stream().map(n -> n.id).collect(Collectors.joining(", "))
                        + " (Ctrl-C again to stop at once)");
                nextProgress = System.nanoTime() + PROGRESS_INTERVAL.toNanos();
            }
        }
        awaitLastOutput();
        database.close();
        say("stopped");
        System.exit(0);
    }

    /** A node's last lines (how its drain went) may still be in the pipe when it exits. */
    private void awaitLastOutput() {
        for (NodeProcess node : nodes) {
            try {
                node.output.join(OUTPUT_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private List<NodeProcess> running() {
        return nodes.stream().filter(n -> n.process.isAlive()).toList();
    }

    /** When the process ends without a drain: nothing of the cluster outlives it. */
    private void stopNow() {
        if (stopRequests.get() > 0 && running().isEmpty()) {
            return; // drained and stopped already
        }
        stopping = true;
        nodes.stream().filter(n -> n.process != null).forEach(n -> n.process.destroyForcibly());
        for (NodeProcess node : nodes) {
            if (node.process != null) {
                node.process.onExit().join();
            }
        }
        database.close();
    }

    private static void say(String message) {
        System.out.println("[local-cluster] " + message);
    }

    /** One node of the cluster: where it answers, and its current process, which a restart replaces. */
    private static final class NodeProcess {
        final String id;
        final int port;
        volatile Process process;
        volatile Thread output;
        int restartFailures;

        NodeProcess(String id, int port) {
            this.id = id;
            this.port = port;
        }

        /** Doubles after each restart that did not come up, as a crash loop's back-off does. */
        Duration nextRestartDelay() {
            Duration delay = RESTART_DELAY.multipliedBy(1L << Math.min(restartFailures, 4));
            restartFailures++;
            return delay.compareTo(MAX_RESTART_DELAY) > 0 ? MAX_RESTART_DELAY : delay;
        }

        void awaitReady(Duration wait) {
            Process starting = process;
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready")).build();
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                if (!starting.isAlive()) {
                    throw new IllegalStateException(id + " exited with code " + starting.exitValue() + " while starting");
                }
                try {
                    if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                sleep();
            }
            throw new IllegalStateException(id + " was not ready within " + wait.toSeconds() + "s");
        }

        private static void sleep() {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
