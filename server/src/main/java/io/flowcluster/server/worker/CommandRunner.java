package io.flowcluster.server.worker;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.job.AttemptResult.Outcome;
import io.flowcluster.server.job.AttemptResult;
import io.flowcluster.server.job.StepSpec;
import io.flowcluster.server.job.WorkingDirs;
import io.flowcluster.server.store.Claim;
import jakarta.inject.Singleton;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Runs a command step as a child process: a clean environment, stdin from /dev/null, output
 * captured line by line, the timeout enforced by killing the whole process tree.
 */
@Singleton
public class CommandRunner {

    private static final Logger LOG = Logger.getLogger(CommandRunner.class);

    /** How long to wait for the output pipes after exit: a stray background child may hold them open. */
    private static final Duration PIPE_DRAIN = Duration.ofSeconds(2);

    private final FlowConfig config;
    private final StepIsolation isolation;
    private final Workspaces workspaces;
    private final WorkingDirs workingDirs;
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "flow-output-pump");
        t.setDaemon(true);
        return t;
    });

    CommandRunner(FlowConfig config, StepIsolation isolation, Workspaces workspaces) {
        this.config = config;
        this.isolation = isolation;
        this.workspaces = workspaces;
        this.workingDirs = new WorkingDirs(config.worker().allowedWorkingDirs().orElse(List.of()));
    }

    AttemptResult run(Execution execution) throws InterruptedException {
        Claim claim = execution.claim();
        StepSpec spec = claim.spec();
        File dir;
        try {
            dir = workingDirectory(claim.jobId(), spec);
        } catch (IllegalStateException e) {
            return new AttemptResult(Outcome.FAILED, null, e.getMessage());
        }
        Process process;
        try {
            process = start(spec, dir, StepEnvironment.of(claim, System.getenv()), ProcessBuilder.Redirect.PIPE);
        } catch (IOException e) {
            return new AttemptResult(Outcome.FAILED, null, "cannot start '" + spec.argv().get(0) + "': " + e.getMessage());
        }
        execution.started(process, isolation);
        try {
            return supervise(execution, process);
        } finally {
            if (process.isAlive()) { // whatever went wrong above, no step runs on unsupervised
                isolation.kill(process, Duration.ZERO);
            }
        }
    }

    /** Starts a step's command, isolated, with a clean environment and stdin from /dev/null. */
    public Process start(StepSpec spec, File dir, Map<String, String> env, ProcessBuilder.Redirect output) throws IOException {
        requireProgram(spec.argv().get(0), dir.toPath(), env.get("PATH"));
        ProcessBuilder builder = isolation.builder(spec.argv())
                .directory(dir)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(output);
        if (output != ProcessBuilder.Redirect.PIPE) {
            builder.redirectErrorStream(true);
        }
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * Fails as starting it directly would when the program cannot be found: behind the
     * isolation's wrapper that would only show as the wrapper's exit code.
     */
    private static void requireProgram(String program, Path dir, String path) throws IOException {
        if (program.contains("/")) {
            if (!Files.isExecutable(dir.resolve(program))) {
                throw new IOException(Files.exists(dir.resolve(program)) ? "Permission denied" : "No such file or directory");
            }
            return;
        }
        for (String entry : (path == null ? "" : path).split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return;
            }
        }
        throw new IOException("not found on the PATH (" + path + ")");
    }

    /**
     * Waits for the step's process at most its timeout, then for the processes it left, so
     * that the attempt ends only once nothing of it runs any more.
     */
    public boolean awaitEnd(Process process, StepSpec spec, StepOutput output) throws InterruptedException {
        Optional<Duration> timeout = spec.timeoutDuration();
        boolean exited = true;
        if (timeout.isPresent()) {
            exited = process.waitFor(timeout.get().toMillis(), TimeUnit.MILLISECONDS);
        } else {
            process.waitFor();
        }
        if (exited) {
            isolation.endLeftovers(process, config.worker().killGrace());
        } else {
            if (output != null) {
                output.system("[timed out after " + spec.timeout() + ": stopping the step]");
            }
            isolation.kill(process, config.worker().killGrace());
        }
        return exited;
    }

    private AttemptResult supervise(Execution execution, Process process) throws InterruptedException {
        StepSpec spec = execution.claim().spec();
        StepOutput output = execution.output();
        int lineBytes = config.worker().maxLineBytes();
        Future<?> out = pumps.submit(() -> pump(process.getInputStream(), "stdout", output, lineBytes));
        Future<?> err = pumps.submit(() -> pump(process.getErrorStream(), "stderr", output, lineBytes));
        boolean exited = awaitEnd(process, spec, output);
        int exit = process.waitFor();
        awaitPipes(out, err, process);
        if (execution.stopReason() != null) {
            return new AttemptResult(Outcome.ABORTED, exit, "stopped: " + execution.stopReason().name().toLowerCase());
        }
        if (!exited) {
            return new AttemptResult(Outcome.TIMED_OUT, exit, "timed out after " + spec.timeout());
        }
        return exit == 0
                ? new AttemptResult(Outcome.SUCCEEDED, 0, null)
                : new AttemptResult(Outcome.FAILED, exit, "exit code " + exit);
    }

    /**
     * Where a command of the step runs: the job's workspace on this node (created when
     * missing), or its {@code workingDir}, which must exist and, on its real path, lie in the
     * workspace or under an allowed path. Throws IllegalStateException saying what is wrong.
     */
    public File workingDirectory(UUID jobId, StepSpec spec) {
        Path workspace;
        try {
            workspace = Files.createDirectories(workspaces.of(jobId));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the job's working directory: " + e.getMessage());
        }
        if (spec.workingDir() == null) {
            return workspace.toFile();
        }
        Path dir = workspace.resolve(spec.workingDir());
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("working directory " + spec.workingDir() + " does not exist on this node");
        }
        try {
            Path real = dir.toRealPath();
            if (!workingDirs.contains(workspace.toRealPath(), real)) {
                throw new IllegalStateException("working directory " + spec.workingDir() + " leads out of the job's workspace (to "
                        + real + ")");
            }
            return real.toFile();
        } catch (IOException e) {
            throw new IllegalStateException("working directory " + spec.workingDir() + " cannot be read: " + e.getMessage());
        }
    }

    private static void pump(InputStream stream, String name, StepOutput output, int maxLineBytes) {
        try (stream) {
            BoundedLineReader reader = new BoundedLineReader(stream, maxLineBytes);
            String line;
            while ((line = reader.next()) != null) {
                output.append(name, line);
            }
        } catch (IOException e) {
            // the pipe was closed under us after the process ended: nothing more to read
        }
    }

    private static void awaitPipes(Future<?> out, Future<?> err, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + PIPE_DRAIN.toNanos();
        for (Future<?> f : new Future<?>[] {out, err}) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                closeQuietly(process);
            } catch (ExecutionException e) {
                LOG.warnf("Reading step output failed: %s", e.getCause());
            }
        }
    }

    private static void closeQuietly(Process process) {
        try {
            process.getInputStream().close();
            process.getErrorStream().close();
        } catch (IOException e) {
            // already closed
        }
    }
}
