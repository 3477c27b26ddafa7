package io.flowcluster.server.worker;

import io.flowcluster.server.config.FlowConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * How a step's processes are kept apart from the server and ended with the step. Chosen once
 * at start-up, the strongest this machine allows ({@code flow.worker.isolation=auto}):
 * <ul>
 * <li>{@code namespace}: the step runs as PID 1 of a PID namespace of its own with its own
 * {@code /proc} (util-linux {@code unshare}; a user namespace too when the server is not
 * root), in a session of its own. It sees no process of the server, and when it ends, or is
 * stopped, the kernel ends every process it started, however it forked or detached.</li>
 * <li>{@code session}: the step leads a session of its own ({@code setsid}); whatever is
 * left in that session when it ends, or is stopped, is ended too. A process that starts a
 * session of its own escapes it.</li>
 * <li>{@code none}: only the step's descendants are ended.</li>
 * </ul>
 * In a PID namespace of a server running as root, the paths of {@code flow.worker.hidden-paths}
 * (the local installation's token, database passwords and data) are covered in the step's own
 * mount namespace: an empty directory over a directory, /dev/null over a file.
 */
@Singleton
@Startup
public class StepIsolation {

    private static final Logger LOG = Logger.getLogger(StepIsolation.class);

    public enum Mode { NAMESPACE, SESSION, NONE }

    // in a session of its own as well: signals for the server's terminal (Ctrl-C) are not the step's
    private static final List<String> NAMESPACE = List.of("setsid", "unshare", "--pid", "--fork", "--kill-child", "--mount-proc");
    private static final List<String> USER_NAMESPACE = List.of("setsid", "unshare", "--user", "--map-current-user", "--pid",
            "--fork", "--kill-child", "--mount-proc");
    private static final List<String> SESSION = List.of("setsid");
    private static final Duration PROBE_WAIT = Duration.ofSeconds(5);
    /** Covers each path up to "--", then runs the step; a path that cannot be covered fails the step (126). */
    static final String HIDE = "while [ \"$1\" != -- ]; do if [ -d \"$1\" ]; then mount -t tmpfs -o size=4k,mode=000 flow-hidden \"$1\"; "
            + "else mount --bind /dev/null \"$1\"; fi || exit 126; shift; done; shift; exec \"$@\"";

    private final Mode mode;
    private final List<String> prefix;
    private final List<String> hidden;

    StepIsolation(FlowConfig config) {
        String wanted = config.worker().isolation().toLowerCase(Locale.ROOT);
        boolean root = runsAsRoot();
        List<String> namespace = root ? NAMESPACE : USER_NAMESPACE;
        if (wanted.equals("auto")) {
            if (works(namespace)) {
                mode = Mode.NAMESPACE;
            } else if (works(SESSION)) {
                mode = Mode.SESSION;
            } else {
                mode = Mode.NONE;
            }
        } else {
            mode = Mode.valueOf(wanted.toUpperCase(Locale.ROOT));
            if (mode != Mode.NONE && !works(mode == Mode.NAMESPACE ? namespace : SESSION)) {
                throw new IllegalStateException("flow.worker.isolation=" + wanted + " does not work on this machine");
            }
        }
        prefix = switch (mode) {
            case NAMESPACE -> namespace;
            case SESSION -> SESSION;
            case NONE -> List.of();
        };
        List<String> secrets = config.worker().hiddenPaths().orElse(List.of()).stream()
                .filter(p -> java.nio.file.Files.exists(java.nio.file.Path.of(p))).toList();
        hidden = mode == Mode.NAMESPACE && root ? secrets : List.of();
        if (hidden.size() < secrets.size()) {
            LOG.warnf("Steps can read %s: covering paths needs a PID namespace of a server running as root", secrets);
        }
        if (mode == Mode.NONE) {
            LOG.warnf("Steps run without isolation: neither 'unshare' nor 'setsid' works here; a process a step "
                    + "leaves behind in a session of its own outlives it");
        } else {
            LOG.infof("Steps run isolated: %s (%s)", mode.name().toLowerCase(Locale.ROOT), String.join(" ", prefix));
        }
    }

    public Mode mode() {
        return mode;
    }

    /** Whether this process's effective UID is 0 (whatever the user is called, if anything). */
    static boolean runsAsRoot() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst()
                    .map(l -> l.trim().split("\\s+")[2].equals("0")).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    /** A process builder for the step's command, wrapped as the isolation needs. */
    ProcessBuilder builder(List<String> argv) {
        List<String> command = new ArrayList<>(prefix);
        if (!prefix.isEmpty()) {
            command.add("--");
        }
        if (!hidden.isEmpty()) {
            command.addAll(List.of("/bin/sh", "-c", HIDE, "flow-step"));
            command.addAll(hidden);
            command.add("--");
        }
        command.addAll(argv);
        return new ProcessBuilder(command);
    }

    /** Stops the step and everything it started: SIGTERM, SIGKILL after {@code grace}. */
    void kill(Process process, Duration grace) {
        ProcessTree.kill(process, grace, mode == Mode.SESSION);
    }

    /** Ends what the step left running once its own process ended (a {@code cmd &}). */
    void endLeftovers(Process process, Duration grace) {
        if (mode == Mode.SESSION) {
            ProcessTree.killSession(process.pid(), grace);
        }
        // in a PID namespace the kernel ended them with the step; without isolation they are out of reach
    }

    private static boolean works(List<String> prefix) {
        List<String> command = new ArrayList<>(prefix);
        command.add("--");
        command.add("true");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(PROBE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
