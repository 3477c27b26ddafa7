package io.flowcluster.server.worker;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.job.StepSpec;
import io.flowcluster.server.store.AttemptResult;
import io.flowcluster.server.store.AttemptResult.Outcome;
import io.flowcluster.server.store.Claim;
import jakarta.inject.Singleton;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "flow-output-pump");
        t.setDaemon(true);
        return t;
    });

    CommandRunner(FlowConfig config) {
        this.config = config;
    }

    /** The directory steps of a job share when they name none: their workspace on this node. */
    public Path jobWorkDir(UUID jobId) {
        return Path.of(config.worker().workDir(), jobId.toString());
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
        ProcessBuilder builder = new ProcessBuilder(spec.argv())
                .directory(dir)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(StepEnvironment.of(claim, System.getenv()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new AttemptResult(Outcome.FAILED, null, "cannot start '" + spec.argv().get(0) + "': " + e.getMessage());
        }
        execution.started(process);
        StepOutput output = execution.output();
        int lineBytes = config.worker().maxLineBytes();
        Future<?> out = pumps.submit(() -> pump(process.getInputStream(), "stdout", output, lineBytes));
        Future<?> err = pumps.submit(() -> pump(process.getErrorStream(), "stderr", output, lineBytes));
        Optional<Duration> timeout = spec.timeoutDuration();
        boolean exited = true;
        if (timeout.isPresent()) {
            exited = process.waitFor(timeout.get().toNanos(), TimeUnit.NANOSECONDS);
        } else {
            process.waitFor();
        }
        if (!exited) {
            output.system("[timed out after " + spec.timeout() + ": stopping the step]");
            ProcessTree.kill(process, config.worker().killGrace());
        }
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
     * Where a command of the step runs: its {@code workingDir}, which must exist, or else the
     * job's workspace on this node, created when missing. Throws IllegalStateException saying
     * what is wrong.
     */
    File workingDirectory(UUID jobId, StepSpec spec) {
        if (spec.workingDir() != null) {
            File dir = new File(spec.workingDir());
            if (!dir.isDirectory()) {
                throw new IllegalStateException("working directory " + dir + " does not exist on this node");
            }
            return dir;
        }
        try {
            return Files.createDirectories(jobWorkDir(jobId)).toFile();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the job's working directory: " + e.getMessage());
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
