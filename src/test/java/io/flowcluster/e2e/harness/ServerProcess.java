package io.flowcluster.e2e.harness;

import io.flowcluster.server.FlowServerMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged server, run as a real process the way a user runs it. */
public final class ServerProcess implements AutoCloseable {

    public static final String TOKEN = "e2e-token";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Map<String, String> env;
    private final Path log;
    private final int port;
    private final String token;
    private final List<String> wrapper = new ArrayList<>();
    /** C1 only and a small heap: tests start many short-lived nodes on two cores. */
    private List<String> jvmOptions = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private Process process;
    private volatile boolean paused;

    public ServerProcess(Path workDir, String nodeId, Map<String, String> extraEnv) throws IOException {
        this.port = freePort();
        this.log = workDir.resolve(nodeId + ".log");
        this.env = new HashMap<>(extraEnv);
        env.put("FLOW_NODE_ID", nodeId);
        env.putIfAbsent("FLOW_API_TOKEN", TOKEN);
        this.token = env.get("FLOW_API_TOKEN");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("FLOW_WORKER_WORK_DIR", workDir.resolve("work-" + nodeId).toString());
    }

    public static Path runner() {
        Path jar = Path.of(System.getProperty("flowcluster.server.runner", "../../server/target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("the packaged server is missing at " + jar + "; build the server module first");
        }
        return jar;
    }

    /** Starts the process and waits until it answers as ready. */
    public ServerProcess start() throws IOException, InterruptedException {
        return launch().awaitReady();
    }

    /** Runs the server as another user (root only), as a pod runs it: {@code setpriv} with that uid and gid. */
    public ServerProcess asUser(int uid) {
        wrapper.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--"));
        return this;
    }

    /** Runs the node in the JVM a local cluster's nodes get (full JIT): what a benchmark should measure. */
    public ServerProcess asInProduction() {
        jvmOptions = List.of(FlowServerMain.DEFAULT_JVM_OPTIONS.split(" "));
        return this;
    }

    /** Starts the process without waiting: several nodes start faster side by side. */
    public ServerProcess launch() throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add("java");
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", runner().toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        return this;
    }

    public ServerProcess awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("server not ready within 90s; see " + log);
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** kill -9: no shutdown hook, no cleanup. */
    public void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Sends a signal the JDK has no method for (STOP, CONT). */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
        paused = name.equals("STOP") || (paused && !name.equals("CONT"));
    }

    /** SIGTERM, as Kubernetes stops a pod; returns whether it exited within the wait. */
    public boolean terminate(Duration wait) throws InterruptedException {
        process.destroy();
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Alive and not paused: it answers requests. */
    public boolean isResponsive() {
        return isAlive() && !paused;
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return HTTP.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST that may be sent again safely: the server answers a repeated key with the first result. */
    public HttpResponse<String> post(String path, String json, String idempotencyKey) throws IOException, InterruptedException {
        return HTTP.send(request(path).header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> put(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
