package io.flowcluster.server.local;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A cluster on one machine: one embedded PostgreSQL and N node processes of this same
 * program, coordinating through the database ({@code jdbc}). Each node's output is shown
 * with its id in front. A node that dies stays dead, so that its failover can be watched;
 * stopping the launcher drains and stops every node, then the database.
 */
public final class LocalCluster {

    private static final Duration READY_WAIT = Duration.ofSeconds(90);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final EmbeddedDatabase database;
    private final String token;
    private final Path dataDir;
    private final List<LocalNodeProcess> nodes = new ArrayList<>();

    private LocalCluster(EmbeddedDatabase database, String token, Path dataDir) {
        this.database = database;
        this.token = token;
        this.dataDir = dataDir;
    }

    /** Starts the nodes, prints where they answer, and stays until the launcher is stopped. */
    public static void run(EmbeddedDatabase database, String token, Path dataDir, int count, int basePort, String jvmOptions) {
        LocalCluster cluster = new LocalCluster(database, token, dataDir);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "flow-local-stop"));
        for (int i = 0; i < count; i++) {
            cluster.nodes.add(cluster.startNode("node-" + i, basePort + i, jvmOptions));
        }
        for (LocalNodeProcess node : cluster.nodes) {
            node.awaitReady(READY_WAIT);
        }
        cluster.printWelcome();
        for (LocalNodeProcess node : cluster.nodes) {
            node.process.onExit().thenAccept(p -> say(node.id + " exited with code " + p.exitValue()
                    + "; the others take over its jobs"));
        }
        try {
            Thread.currentThread().join(); // until Ctrl-C runs the shutdown hook
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private LocalNodeProcess startNode(String id, int port, String jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(jvmOptions.trim().split("\\s+")));
        command.addAll(List.of("-jar", packagedJar()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", database.user());
        env.put("QUARKUS_DATASOURCE_PASSWORD", database.password());
        env.put("FLOW_API_TOKEN", token);
        env.put("FLOW_NODE_ID", id);
        env.put("FLOW_COORDINATION", "jdbc");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("FLOW_WORKER_HIDDEN_PATHS", secrets(dataDir));
        env.put("FLOW_WORKER_WORK_DIR", dataDir.resolve("work").resolve(id).toString());
        try {
            Process process = builder.start();
            LocalNodeProcess node = new LocalNodeProcess(id, port, process);
            Thread pump = new Thread(() -> prefixOutput(node), "flow-local-" + id);
            pump.setDaemon(true);
            pump.start();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + id, e);
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
        return secrets.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(","));
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

    private static void prefixOutput(LocalNodeProcess node) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(node.process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("[" + node.id + "] " + line);
            }
        } catch (IOException e) {
            // the node's output ends with the node
        }
    }

    private void printWelcome() {
        StringBuilder text = new StringBuilder("\nFlowCluster: a local cluster of ").append(nodes.size())
                .append(" nodes on one embedded PostgreSQL (").append(database.jdbcUrl()).append(")\n");
        for (LocalNodeProcess node : nodes) {
            text.append(String.format("  %-8s http://localhost:%d   pid %d%n", node.id, node.port, node.process.pid()));
        }
        text.append("API token kept in ").append(tokenFile(dataDir)).append("\n")
                .append("See the cluster: export TOKEN=$(cat ").append(tokenFile(dataDir)).append(")\n")
                .append("                 curl -H \"Authorization: Bearer $TOKEN\" http://localhost:")
                .append(nodes.get(0).port).append("/api/v1/cluster\n")
                .append("kill -9 a node's pid to watch its jobs fail over; Ctrl-C stops the cluster.\n");
        System.out.println(text);
    }

    private void stop() {
        say("stopping: every node drains, then the database stops");
        nodes.forEach(n -> n.process.destroy());
        for (LocalNodeProcess node : nodes) {
            try {
                if (!node.process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    node.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                node.process.destroyForcibly();
            }
        }
        database.close();
    }

    private static void say(String message) {
        System.out.println("[local-cluster] " + message);
    }

    /** One node process and where it answers. */
    private record LocalNodeProcess(String id, int port, Process process) {

        void awaitReady(Duration wait) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready")).build();
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(id + " exited with code " + process.exitValue() + " while starting");
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
