package io.flowcluster.server.worker;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Stops a process and everything it started: SIGTERM to them all, SIGKILL after a grace period. */
final class ProcessTree {

    private static final long POLL_MILLIS = 20;
    private static final Path PROC = Path.of("/proc");

    private ProcessTree() {
    }

    /** The process, its descendants and, with {@code session}, every other member of the session it leads. */
    static void kill(Process process, Duration grace, boolean session) {
        // collect the tree first: once the root dies its children are re-parented out of reach
        Set<ProcessHandle> targets = new LinkedHashSet<>();
        targets.add(process.toHandle());
        process.descendants().forEach(targets::add);
        if (session) {
            targets.addAll(sessionMembers(process.pid()));
        }
        stop(new ArrayList<>(targets), grace);
    }

    /** Every process still in the session that {@code sid} led. */
    static void killSession(long sid, Duration grace) {
        List<ProcessHandle> members = sessionMembers(sid);
        if (!members.isEmpty()) {
            stop(members, grace);
        }
    }

    private static void stop(List<ProcessHandle> targets, Duration grace) {
        targets.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (System.nanoTime() < deadline && targets.stream().anyMatch(ProcessHandle::isAlive)) {
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        targets.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Processes whose session id is {@code sid}, read from /proc (empty where there is none). */
    static List<ProcessHandle> sessionMembers(long sid) {
        List<ProcessHandle> members = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path entry : entries) {
                sessionOf(entry).filter(s -> s == sid)
                        .flatMap(s -> ProcessHandle.of(Long.parseLong(entry.getFileName().toString())))
                        .ifPresent(members::add);
            }
        } catch (IOException e) {
            // no /proc here: nothing more can be found
        }
        return members;
    }

    /** Field 6 of /proc/PID/stat, read after the command name, which may hold spaces and parentheses. */
    private static Optional<Long> sessionOf(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(fields[3]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone meanwhile
        }
    }
}
