package io.flowcluster.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's run command as a user runs it in a terminal: the packaged server with no
 * database, in a process group of its own that stands for the terminal's foreground job, so
 * that {@link #ctrlC()} sends SIGINT to the whole group as a terminal does.
 */
public final class LocalLauncher implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration START_WAIT = Duration.ofSeconds(120);

    private final Path dataDir;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private Process process;

    /** {@code nodes} nodes answering from {@code basePort} on (1: one node in the launcher's process). */
    public LocalLauncher(Path dataDir, int nodes, int basePort) {
        this.dataDir = dataDir;
        env.put("FLOW_DATA_DIR", dataDir.toString());
        env.put("FLOW_LOCAL_NODES", Integer.toString(nodes));
        env.put("FLOW_LOCAL_BASE_PORT", Integer.toString(basePort));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(basePort));
    }

    /** A setting for the launcher and, through its environment, its nodes. */
    public LocalLauncher with(String name, String value) {
        env.put(name, value);
        return this;
    }

    /**
     * Starts it as a terminal's foreground job: its own session and process group, SIGINT at
     * its default (a shell may have started the build with SIGINT ignored, and that would be
     * inherited).
     */
    public LocalLauncher launch() throws IOException {
        ProcessBuilder builder = new ProcessBuilder("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die", "setsid",
                "java", "-Xmx128m", "-jar", ServerProcess.runner().toAbsolutePath().toString())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().remove("FLOW_API_TOKEN");
        builder.environment().remove("QUARKUS_DATASOURCE_JDBC_URL");
        process = builder.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the launcher ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    /** Starts it and waits until it says it is ready: the cluster's welcome, or the single node's. */
    public LocalLauncher start() throws IOException, InterruptedException {
        launch();
        // the cluster's welcome, or the single node's own start line (a cluster's nodes print theirs behind their id)
        awaitLine(Pattern.compile("^kill -9 a node's pid.*|^\\d.*\\[io.quarkus\\].* started in .*"), START_WAIT);
        return this;
    }

    /** Waits for a line of its output that matches; fails with the output if the launcher ends first or time runs out. */
    public Matcher awaitLine(Pattern pattern, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        int seen = 0;
        while (true) {
            List<String> now = List.copyOf(lines);
            for (; seen < now.size(); seen++) {
                Matcher m = pattern.matcher(now.get(seen));
                if (m.matches()) {
                    return m;
                }
            }
            if (System.nanoTime() > deadline || (!process.isAlive() && seen == lines.size())) {
                throw new AssertionError("no line matching " + pattern + " within " + wait.toSeconds() + " s"
                        + (process.isAlive() ? "" : " (the launcher exited with " + process.exitValue() + ")")
                        + "; output:\n" + String.join("\n", lines));
            }
            Thread.sleep(100);
        }
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public long pid() {
        return process.pid();
    }

    /** What a terminal's Ctrl-C does: SIGINT to every process of the foreground group. */
    public void ctrlC() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + process.pid()).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -INT -" + process.pid() + " failed");
        }
    }

    /** A Ctrl-C that may find the group gone already: a launcher with nothing to drain stops within milliseconds. */
    private void ctrlCUnlessGone() throws IOException, InterruptedException {
        try {
            ctrlC();
        } catch (IllegalStateException e) {
            if (process.isAlive()) {
                throw e;
            }
        }
    }

    /** Waits for the launcher to exit; its exit code, or fails. */
    public int awaitExit(Duration wait) throws InterruptedException {
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the launcher did not exit within " + wait.toSeconds() + " s; output:\n"
                    + String.join("\n", lines));
        }
        return process.waitFor();
    }

    public String token() throws IOException {
        return Files.readString(dataDir.resolve("api-token")).trim();
    }

    public HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode getJson(int port, String path) {
        try {
            HttpResponse<String> r = get(port, path);
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return TestCluster.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Submits a job; its id. */
    public String submit(int port, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs"))
                .header("Authorization", "Bearer " + token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new AssertionError("submission answered " + r.statusCode() + ": " + r.body());
        }
        return TestCluster.JSON.readTree(r.body()).get("id").asText();
    }

    /** Every process it started, to check that none outlives it. */
    public List<ProcessHandle> descendants() {
        List<ProcessHandle> all = new ArrayList<>();
        process.descendants().forEach(all::add);
        return all;
    }

    /** Stops it at once (two Ctrl-C) if a test left it running, and whatever it started. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> started = descendants();
        if (process.isAlive()) {
            ctrlCUnlessGone();
            Thread.sleep(200);
            ctrlCUnlessGone();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        started.forEach(ProcessHandle::destroyForcibly);
    }

    /** A port whose next {@code count - 1} ports are free as well. */
    public static int freePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            if (port + count < 65536 && allFree(port + 1, count - 1)) {
                return port;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports");
    }

    private static boolean allFree(int from, int count) {
        for (int p = from; p < from + count; p++) {
            try (ServerSocket s = new ServerSocket(p)) {
                // free
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
